//! Use cases for readers' accounts: signing up, logging in, sessions and
//! password resets. Each file holds one action, its rules and its
//! transaction; route handlers parse the request, make one call here and
//! turn the typed outcome into a response. The CLI (`staff create`, `demo`)
//! creates accounts through [`create_account`] too.

mod client;
mod create;
pub mod login;
mod password_check;
pub mod password_reset;
mod session;
pub mod signup;

pub use client::Client;
pub use create::{NewAccount, create_account};
pub use login::{Credentials, LoggedIn, LoginOutcome, login};
pub use password_check::{MAX_PASSWORD_BYTES, guarded_check, measured};
pub use password_reset::request_password_reset;
pub use session::open_session;
pub use signup::{NewSignup, SignupOutcome, signup};

use crate::auth::{PasswordWork, RateLimits};
use crate::cache::AppCache;
use crate::db::Database;
use crate::jobs::Queue;
use crate::metrics::Metrics;
use crate::settings::Settings;

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
    /// Login and password-work counters.
    pub metrics: &'a Metrics,
}
