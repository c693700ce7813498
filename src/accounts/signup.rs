//! Signing up: create the account, open its first session, mail a link to
//! verify the address.

use super::create::{NewAccount, create_account};
use super::password_reset::{queue_reset_link, reset_link};
use super::{Accounts, Client, open_session};
use crate::auth::{Limited, hash_password, issue_account_token};
use crate::db::{self, InsertError, readers::ReaderRow};
use crate::domain::{DisplayName, Password, ReaderEmail, Role, SessionId, TokenPurpose};
use crate::error::ApiError;
use crate::mail::messages;

/// A validated sign-up.
pub struct NewSignup {
    /// The address, deliverable.
    pub email: ReaderEmail,
    /// The password, judged against the address.
    pub password: Password,
    /// The name to greet the reader by.
    pub name: DisplayName,
}

/// How a sign-up ended.
pub enum SignupOutcome {
    /// A new account, logged in: the reader, its session and refresh token.
    Created(Box<(ReaderRow, SessionId, String)>),
    /// The address is taken (any reset link it called for is mailed).
    EmailTaken,
}

impl SignupOutcome {
    /// The new account, or 409 `email_taken`.
    pub fn into_result(self) -> Result<(ReaderRow, SessionId, String), ApiError> {
        match self {
            Self::Created(created) => Ok(*created),
            Self::EmailTaken => Err(ApiError::conflict(
                "email_taken",
                "an account with this email already exists",
            )),
        }
    }
}

/// What the transaction did (its emails are queued in it).
enum Written {
    /// The account, session and refresh token.
    New(Box<(ReaderRow, SessionId, String)>),
    /// The address was taken; `true` when a reset link to its owner was
    /// queued (an unverified account).
    Taken(bool),
}

/// Creates a reader account from `client` with a logged-in session and
/// mails the verification link (valid `MASTHEAD_VERIFICATION_TOKEN_TTL_HOURS`).
///
/// When the address is taken by an account that never verified it (and is
/// not disabled), whoever signed up may not own the mailbox
/// (pre-account-takeover): its owner, now trying to sign up, is mailed a
/// password-reset link (at most one per resend cooldown).
pub async fn signup(
    accounts: &Accounts<'_>,
    new: NewSignup,
    client: Client,
) -> Result<SignupOutcome, ApiError> {
    let NewSignup {
        email,
        password,
        name,
    } = new;
    let hash = accounts
        .password_work
        .run(move || hash_password(&password))
        .await??;
    let settings = accounts.settings;
    let session_ttl = chrono::Duration::days(settings.refresh_token_ttl_days);
    let verify_ttl = chrono::Duration::hours(settings.verification_token_ttl_hours);
    let cooldown = settings.verification_resend_cooldown_seconds;
    let reset_ttl = settings.password_reset_ttl_minutes;
    let verify_hours = settings.verification_token_ttl_hours;
    let letters = std::sync::Arc::clone(accounts.letters);
    let written = accounts
        .db
        .run(move |conn| {
            // A unique violation aborts the transaction (PostgreSQL), so it
            // rolls back as an error and becomes `Taken` outside it.
            let written = db::write_transaction(conn, |conn| -> Result<_, InsertError> {
                let now = chrono::Utc::now().naive_utc();
                if let Some(existing) = db::readers::find_by_email(conn, email.as_str())? {
                    if existing.email_verified_at.is_some() || existing.disabled_at.is_some() {
                        return Ok(Written::Taken(false));
                    }
                    let token = reset_link(conn, cooldown, reset_ttl, &existing, now)?;
                    if let Some(token) = &token {
                        queue_reset_link(conn, &letters, &existing, token)?;
                    }
                    return Ok(Written::Taken(token.is_some()));
                }
                let account = NewAccount {
                    email: &email,
                    password_hash: &hash,
                    name: &name,
                    role: Role::Reader,
                };
                let id = create_account(conn, &account, now)?;
                let (session, refresh) = open_session(conn, session_ttl, &id, &client, now)?;
                let verification = issue_account_token(
                    conn,
                    &id,
                    TokenPurpose::VerifyEmail,
                    email.as_str(),
                    verify_ttl,
                    now,
                )?;
                let reader = db::readers::find(conn, &id)?;
                crate::jobs::queue_email(
                    conn,
                    &messages::verify_email(
                        &letters,
                        &reader.name,
                        &reader.email,
                        &verification,
                        verify_hours,
                    ),
                )?;
                Ok(Written::New(Box::new((reader, session, refresh))))
            });
            match written {
                Ok(written) => Ok(written),
                // Another sign-up took the address since the lookup.
                Err(InsertError::Taken) => Ok(Written::Taken(false)),
                Err(InsertError::Database(error)) => Err(error.into()),
            }
        })
        .await?;
    match written {
        Written::New(created) => {
            accounts.jobs.wake();
            Ok(SignupOutcome::Created(created))
        }
        Written::Taken(reclaimed) => {
            if reclaimed {
                accounts.jobs.wake();
            }
            Ok(SignupOutcome::EmailTaken)
        }
    }
}

/// Checks the rate limits a sign-up from `client` counts against: sign-ups,
/// and emails (it sends one; the email limit is shared).
pub fn check_limits(accounts: &Accounts<'_>, client: &Client) -> Result<(), ApiError> {
    accounts.rate_limits.check(Limited::Signup, client.ip)?;
    accounts.rate_limits.check(Limited::EmailRequest, client.ip)
}
