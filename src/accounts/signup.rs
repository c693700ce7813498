//! Signing up: create the account, open its first session, mail a link to
//! verify the address.

use super::create::{NewAccount, create_account};
use super::password_reset::{reset_link, send_reset_link};
use super::{Accounts, Client, open_session};
use crate::auth::{Limited, hash_password, issue_account_token};
use crate::db::{self, readers::InsertError, readers::ReaderRow};
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

/// What the transaction did, before any mail is sent.
enum Written {
    /// The account, session, refresh token and the verification token.
    New(Box<(ReaderRow, SessionId, String, String)>),
    /// The address was taken; for an unverified account, the reset link to
    /// mail its address's owner.
    Taken(Option<Box<(ReaderRow, String)>>),
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
    let written = accounts
        .db
        .run(move |conn| {
            // A unique violation aborts the transaction (PostgreSQL), so it
            // rolls back as an error and becomes `Taken` outside it.
            let written = db::write_transaction(conn, |conn| -> Result<_, InsertError> {
                let now = chrono::Utc::now().naive_utc();
                if let Some(existing) = db::readers::find_by_email(conn, email.as_str())? {
                    if existing.email_verified_at.is_some() || existing.disabled_at.is_some() {
                        return Ok(Written::Taken(None));
                    }
                    let token = reset_link(conn, cooldown, reset_ttl, &existing, now)?;
                    return Ok(Written::Taken(
                        token.map(|token| Box::new((existing, token))),
                    ));
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
                Ok(Written::New(Box::new((
                    reader,
                    session,
                    refresh,
                    verification,
                ))))
            });
            match written {
                Ok(written) => Ok(written),
                // Another sign-up took the address since the lookup.
                Err(InsertError::EmailTaken) => Ok(Written::Taken(None)),
                Err(InsertError::Database(error)) => Err(error.into()),
            }
        })
        .await?;
    let (reader, session, refresh, verification) = match written {
        Written::New(created) => *created,
        Written::Taken(reclaim) => {
            if let Some((owner, token)) = reclaim.map(|boxed| *boxed) {
                send_reset_link(accounts, &owner, &token);
            }
            return Ok(SignupOutcome::EmailTaken);
        }
    };
    accounts.mailer.send(messages::verify_email(
        settings,
        &reader.name,
        &reader.email,
        &verification,
        settings.verification_token_ttl_hours,
    ));
    Ok(SignupOutcome::Created(Box::new((reader, session, refresh))))
}

/// Checks the rate limits a sign-up from `client` counts against: sign-ups,
/// and emails (it sends one; the email limit is shared).
pub fn check_limits(accounts: &Accounts<'_>, client: &Client) -> Result<(), ApiError> {
    accounts.rate_limits.check(Limited::Signup, client.ip)?;
    accounts.rate_limits.check(Limited::EmailRequest, client.ip)
}
