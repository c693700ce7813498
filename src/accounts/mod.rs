//! Use cases for readers' accounts: signing up, logging in, sessions,
//! password resets, email changes, deletion and support's directory
//! actions. Each file holds one action, its rules and its
//! transaction; route handlers parse the request, make one call here and
//! turn the typed outcome into a response. The CLI (`staff create`, `demo`)
//! creates accounts through [`create_account`] too.

mod change_email;
mod change_password;
mod client;
mod create;
mod delete_account;
pub mod directory;
pub mod export;
mod invalid_token;
pub mod login;
mod password_check;
pub mod password_reset;
mod password_reset_confirm;
mod refresh;
mod resend_verification;
pub mod second_factor;
mod session;
pub mod sessions;
pub mod signup;
mod unsubscribe;
mod update_profile;
mod verify_email;

pub use change_email::request_email_change;
pub use change_password::{PasswordChange, change_password};
pub use client::Client;
pub use create::{NewAccount, create_account};
pub use delete_account::delete_account;
pub use login::{Credentials, LoggedIn, LoginOutcome, login};
pub use password_check::{MAX_PASSWORD_BYTES, guarded_check, measured};
pub use password_reset::request_password_reset;
pub use password_reset_confirm::confirm_password_reset;
pub use refresh::{Rotated, rotate_refresh_token};
pub use resend_verification::resend_verification;
pub use session::open_session;
pub use signup::{NewSignup, SignupOutcome, signup};
pub use unsubscribe::{unsubscribe, unsubscribe_link_invalid};
pub use update_profile::update_profile;
pub use verify_email::verify_email;

use crate::auth::{PasswordWork, RateLimits};
use crate::cache::AppCache;
use crate::db::Database;
use crate::jobs::Queue;
use crate::mail::Letters;
use crate::metrics::Metrics;
use crate::settings::Settings;
use std::sync::Arc;

/// The components the account use cases reach, borrowed from the
/// application state for one request. Named one by one (not the whole
/// state) so this layer does not depend on how the web layer composes
/// them.
#[derive(Clone, Copy)]
pub struct Accounts<'a> {
    /// The connection pool.
    pub db: &'a Database,
    /// The settings in effect.
    pub settings: &'a Settings,
    /// The caches to read from and invalidate beside each write.
    pub cache: &'a AppCache,
    /// The bounded lane for password hashing.
    pub password_work: &'a PasswordWork,
    /// Per-address limits on login, sign-up and email requests.
    pub rate_limits: &'a RateLimits,
    /// The job queue the verification and reset emails are queued on (in
    /// the transaction that causes them), woken after the commit.
    pub jobs: &'a Queue,
    /// Writes the emails (the templates in effect).
    pub letters: &'a Arc<Letters>,
    /// Login and password-work counters.
    pub metrics: &'a Metrics,
}
