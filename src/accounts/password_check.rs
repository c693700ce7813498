//! Every check of a password goes through here: login, and the account
//! changes that ask for the current password (`POST /v1/me/email`,
//! `POST /v1/me/password`, `DELETE /v1/me`), so none of them is a password
//! oracle outside the login limits. The policy is in `auth::login_guard`.

use super::Accounts;
use crate::auth::{Attempt, Locked, LoginLimits, begin_attempt};
use crate::db::{self, DbConnection, readers::ReaderRow};
use crate::domain::ReaderId;
use crate::error::ApiError;
use std::net::IpAddr;

/// Longest password we will spend a hash on; longer cannot be a valid one.
pub const MAX_PASSWORD_BYTES: usize = 1024;

/// 429 `too_many_failed_logins` with the wait until the window ends.
pub(super) fn too_many_failed(locked: Locked) -> ApiError {
    let wait = locked.until - chrono::Utc::now().naive_utc();
    ApiError::TooManyRequests {
        code: "too_many_failed_logins",
        detail: "too many failed password checks for this address; try again later or reset the password"
            .to_owned(),
        retry_after_seconds: u64::try_from(wait.num_seconds()).unwrap_or(0) + 1,
    }
}

/// What to count a check under, gathered before the database call.
pub(super) struct CheckInput {
    limits: LoginLimits,
    bcrypt_check: bool,
    client: Option<String>,
}

impl CheckInput {
    /// The limits in effect and the client address to count under.
    pub(super) fn new(accounts: &Accounts<'_>, ip: Option<IpAddr>) -> Self {
        Self {
            limits: LoginLimits::from_settings(accounts.settings),
            bcrypt_check: accounts.password_work.due_for_bcrypt_check(),
            client: ip.map(|ip| ip.to_string()),
        }
    }
}

/// A counted check: whether bcrypt hashes are still in use (when it was
/// time to look), and the attempt or the lock that refused it.
pub(super) type Counted = (Option<bool>, Result<Attempt, Locked>);

/// Counts a check of `email`'s password on `conn` (before it runs, so the
/// limits hold under any burst). `reader` is the account using `email`.
pub(super) fn count_check(
    conn: &mut DbConnection,
    input: &CheckInput,
    email: &str,
    reader: Option<&ReaderId>,
) -> diesel::QueryResult<Counted> {
    let now = chrono::Utc::now().naive_utc();
    let bcrypt = if input.bcrypt_check {
        Some(db::readers::any_bcrypt_hash(conn)?)
    } else {
        None
    };
    let attempt = begin_attempt(
        conn,
        input.limits,
        email,
        reader,
        input.client.as_deref(),
        now,
    )?;
    Ok((bcrypt, attempt))
}

/// Notes what [`count_check`] learned about bcrypt hashes in use.
pub(super) fn note_bcrypt(accounts: &Accounts<'_>, bcrypt: Option<bool>) {
    if let Some(in_use) = bcrypt {
        accounts.password_work.note_bcrypt_in_use(in_use);
    }
}

/// Counts a password check for `email` from `ip`, runs `verify` in the
/// password lane if the limits allow, and settles the count. `verify` says
/// whether the password was right, plus anything else it computed.
/// `reader` is the account using `email`, if any.
pub async fn guarded_check<T: Send + 'static>(
    accounts: &Accounts<'_>,
    email: &str,
    reader: Option<&ReaderRow>,
    ip: Option<IpAddr>,
    verify: impl FnOnce() -> (bool, T) + Send + 'static,
) -> Result<(bool, T), ApiError> {
    let input = CheckInput::new(accounts, ip);
    let email = email.to_owned();
    let reader_id = reader.map(ReaderRow::reader_id);
    let (bcrypt, attempt) = accounts
        .db
        .run(move |conn| Ok(count_check(conn, &input, &email, reader_id.as_ref())?))
        .await?;
    note_bcrypt(accounts, bcrypt);
    let attempt = attempt.map_err(too_many_failed)?;
    let (ok, extra) = measured(accounts, verify).await?;
    if ok {
        accounts
            .db
            .run(move |conn| Ok(attempt.settle(conn, true)?))
            .await?;
    }
    Ok((ok, extra))
}

/// Runs `verify` in the password lane and counts the hash work it did.
pub async fn measured<T: Send + 'static>(
    accounts: &Accounts<'_>,
    verify: impl FnOnce() -> T + Send + 'static,
) -> Result<T, ApiError> {
    let (result, work) = accounts.password_work.run_measured(verify).await?;
    accounts.metrics.password_work.observe(work);
    Ok(result)
}
