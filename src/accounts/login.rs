//! Logging in: check the password under the login limits, open a session.
//!
//! Two database round trips on the way in: one reads the account and
//! counts the attempt, the other settles the count, opens the session and
//! reads the reader's subscriptions for the access token's `perks` (unless
//! the cache has them). The argon2 verification runs between the two, in
//! the password lane, holding no connection.

use super::password_check::{CheckInput, count_check, note_bcrypt, too_many_failed};
use super::second_factor::{self, FactorCheck};
use super::{Accounts, Client, MAX_PASSWORD_BYTES, measured, open_session};
use crate::auth::{Limited, Locked, needs_rehash, rehash_password, verify_password};
use crate::db::{self, DbConnection, readers::ReaderRow};
use crate::domain::{ReaderEmail, SessionId, SubscriptionSnapshot};
use crate::error::{ApiError, FieldError};
use crate::metrics::LoginCounted;
use std::sync::Arc;

/// What the reader typed, unchecked: the login answers a malformed address
/// like a wrong one, after the same work.
#[derive(Debug)]
pub struct Credentials {
    /// The address as typed.
    pub email: String,
    /// The password as typed.
    pub password: String,
    /// A staff member's second factor as typed: the app's six-digit code or
    /// a recovery code (ignored for readers).
    pub second_factor: Option<String>,
}

/// A reader who proved the password and now holds a new session.
#[derive(Debug)]
pub struct LoggedIn {
    /// The account.
    pub reader: ReaderRow,
    /// The new session.
    pub session: SessionId,
    /// Its refresh token, to hand out once.
    pub refresh_token: String,
    /// The reader's subscriptions, for the access token's `perks`.
    pub snapshots: Arc<Vec<SubscriptionSnapshot>>,
}

/// How a login ended. Everything but [`LoginOutcome::LoggedIn`] is a
/// refusal; the metrics count each kind.
#[derive(Debug)]
pub enum LoginOutcome {
    /// The right password for an enabled account.
    LoggedIn(Box<LoggedIn>),
    /// Too many attempts from this client address: the 429 to answer.
    RateLimited(ApiError),
    /// An unknown email or a wrong password (alike, after the same work).
    WrongCredentials,
    /// Too many failed checks for this address (see `auth::login_guard`).
    Locked(Locked),
    /// The right password for a disabled account.
    Disabled,
    /// The right password for a staff account with a second factor, but no
    /// code: ask for it.
    SecondFactorRequired,
    /// The right password, but a wrong, stale or used second-factor code.
    WrongSecondFactor,
}

impl LoginOutcome {
    /// The session, or the problem to answer for a refusal.
    pub fn into_result(self) -> Result<LoggedIn, ApiError> {
        match self {
            Self::LoggedIn(logged_in) => Ok(*logged_in),
            Self::RateLimited(error) => Err(error),
            Self::WrongCredentials => Err(ApiError::unauthenticated(
                "invalid_credentials",
                "the email or password is incorrect",
            )),
            Self::Locked(locked) => Err(too_many_failed(locked)),
            // Said only to whoever proved the password, so it reveals
            // nothing to anyone guessing.
            Self::Disabled => Err(ApiError::forbidden(
                "account_disabled",
                "this account is disabled; contact support",
            )),
            Self::SecondFactorRequired => Err(ApiError::unauthenticated(
                "second_factor_required",
                "this staff account needs its authentication code: send `second_factor`",
            )),
            Self::WrongSecondFactor => Err(ApiError::unauthenticated(
                "invalid_second_factor",
                "the authentication code is wrong, expired or already used",
            )),
        }
    }

    fn counted(&self) -> LoginCounted {
        match self {
            Self::LoggedIn(_) => LoginCounted::Succeeded,
            Self::RateLimited(_) => LoginCounted::RateLimited,
            Self::WrongCredentials | Self::SecondFactorRequired | Self::WrongSecondFactor => {
                LoginCounted::Failed
            }
            Self::Locked(_) => LoginCounted::TooManyFailed,
            Self::Disabled => LoginCounted::Disabled,
        }
    }
}

/// Logs a reader in from `client` and counts the outcome. Missing fields
/// (422) and failures on our side are errors, not login attempts, and are
/// not counted.
pub async fn login(
    accounts: &Accounts<'_>,
    credentials: Credentials,
    client: Client,
) -> Result<LoginOutcome, ApiError> {
    let outcome = attempt(accounts, credentials, client).await?;
    accounts.metrics.logins.observe(outcome.counted());
    Ok(outcome)
}

/// The fields must be present; their content is judged by the password.
fn require(credentials: &Credentials) -> Result<(), ApiError> {
    let mut missing = Vec::new();
    if credentials.email.trim().is_empty() {
        missing.push(FieldError::new("required", "an email address is required").at("email"));
    }
    if credentials.password.is_empty() {
        missing.push(FieldError::new("required", "a password is required").at("password"));
    }
    if missing.is_empty() {
        Ok(())
    } else {
        Err(ApiError::Validation(missing))
    }
}

async fn attempt(
    accounts: &Accounts<'_>,
    credentials: Credentials,
    client: Client,
) -> Result<LoginOutcome, ApiError> {
    if let Err(limited) = accounts.rate_limits.check(Limited::Login, client.ip) {
        return Ok(LoginOutcome::RateLimited(limited));
    }
    require(&credentials)?;
    let Credentials {
        email,
        password,
        second_factor,
    } = credentials;
    let Ok(email) = ReaderEmail::parse(email) else {
        // Not an address at all: no account can be guessed at, but the
        // answer costs the same work.
        measured(accounts, move || verify_and_upgrade(&password, None)).await?;
        return Ok(LoginOutcome::WrongCredentials);
    };
    // Round trip 1: the account, and the attempt counted before the
    // password is verified (the subject is the address, known or not).
    let input = CheckInput::new(accounts, client.ip);
    let (reader, (bcrypt, attempt)) = accounts
        .db
        .run(move |conn| {
            let reader = db::readers::find_by_email(conn, email.as_str())?;
            let id = reader.as_ref().map(ReaderRow::reader_id);
            let counted = count_check(conn, &input, email.as_str(), id.as_ref())?;
            Ok((reader, counted))
        })
        .await?;
    note_bcrypt(accounts, bcrypt);
    let attempt = match attempt {
        Ok(attempt) => attempt,
        Err(locked) => return Ok(LoginOutcome::Locked(locked)),
    };
    let stored = reader.as_ref().map(|r| r.password_hash.clone());
    let (password_ok, upgraded) = measured(accounts, move || {
        if password.len() > MAX_PASSWORD_BYTES {
            return (false, None);
        }
        verify_and_upgrade(&password, stored.as_deref())
    })
    .await?;
    let Some(reader) = reader.filter(|_| password_ok) else {
        return Ok(LoginOutcome::WrongCredentials);
    };
    // Round trip 2: a staff member's second factor (a missing or wrong code
    // leaves the attempt counted, so codes cannot be guessed past the
    // lockout), settle the count, then (for an enabled account) store an
    // upgraded hash, open the session and read the subscriptions.
    let ttl = chrono::Duration::days(accounts.settings.refresh_token_ttl_days);
    let cached = accounts.cache.cached_snapshots(&reader.reader_id());
    accounts
        .db
        .run(move |conn| {
            let id = reader.reader_id();
            let now = chrono::Utc::now().naive_utc();
            let factor = if reader.role().is_staff() {
                second_factor::check_at_login(conn, &id, second_factor.as_deref(), now)?
            } else {
                FactorCheck::NotEnrolled
            };
            match factor {
                FactorCheck::Missing => return Ok(LoginOutcome::SecondFactorRequired),
                FactorCheck::Wrong => return Ok(LoginOutcome::WrongSecondFactor),
                FactorCheck::NotEnrolled | FactorCheck::Proved => {}
            }
            attempt.settle(conn, true)?;
            if reader.disabled_at.is_some() {
                return Ok(LoginOutcome::Disabled);
            }
            if let Some(upgraded) = upgraded {
                store_upgraded_hash(conn, &reader, &upgraded);
            }
            let (session, refresh_token) = db::write_transaction(conn, |conn| {
                let opened = open_session(conn, ttl, &id, &client, now)?;
                if factor == FactorCheck::Proved {
                    db::second_factors::mark_session(conn, &opened.0, now)?;
                }
                Ok::<_, diesel::result::Error>(opened)
            })?;
            let snapshots = match cached {
                Some(snapshots) => snapshots,
                None => Arc::new(db::subscriptions::snapshots_for_reader(conn, &id)?),
            };
            Ok(LoginOutcome::LoggedIn(Box::new(LoggedIn {
                reader,
                session,
                refresh_token,
                snapshots,
            })))
        })
        .await
}

/// Verifies the password and, when it is right but the stored hash is an
/// imported or outdated one, hashes it again with the current argon2id
/// parameters in the same lane (the plaintext exists only now). A wrong
/// password or an unknown account never pays for the second hash.
fn verify_and_upgrade(password: &str, stored: Option<&str>) -> (bool, Option<String>) {
    let ok = verify_password(password, stored);
    let upgraded = stored
        .filter(|stored| ok && needs_rehash(stored))
        .and_then(|_| match rehash_password(password) {
            Ok(hash) => Some(hash),
            Err(error) => {
                tracing::warn!(error = %error, "could not upgrade a password hash");
                None
            }
        });
    (ok, upgraded)
}

/// Replaces the reader's old hash with the upgraded one. The login does not
/// depend on it: a failure is logged and the next login tries again.
fn store_upgraded_hash(conn: &mut DbConnection, reader: &ReaderRow, upgraded: &str) {
    let now = chrono::Utc::now().naive_utc();
    let id = reader.reader_id();
    let stored = db::imported_readers::upgrade_password_hash(
        conn,
        &id,
        &reader.password_hash,
        upgraded,
        now,
    );
    match stored {
        Ok(true) => tracing::info!(reader = %reader.id, "upgraded the password hash to argon2id"),
        Ok(false) => {
            tracing::info!(reader = %reader.id, "password changed meanwhile; hash not upgraded");
        }
        Err(error) => {
            tracing::warn!(reader = %reader.id, error = %error, "could not store an upgraded password hash");
        }
    }
}
