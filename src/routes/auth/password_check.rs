//! Every check of a password goes through here: login, and the account
//! changes that ask for the current password (`POST /v1/me/email`,
//! `POST /v1/me/password`, `DELETE /v1/me`), so none of them is a password
//! oracle outside the login limits. The policy is in `auth::login_guard`.

use crate::auth::{Locked, LoginLimits, begin_attempt};
use crate::db;
use crate::db::readers::ReaderRow;
use crate::error::ApiError;
use crate::state::AppState;
use std::net::IpAddr;

/// Longest password we will spend a hash on; longer cannot be a valid one.
pub const MAX_PASSWORD_BYTES: usize = 1024;

/// 429 `too_many_failed_logins` with the wait until the window ends.
fn too_many_failed(locked: Locked) -> ApiError {
    let wait = locked.until - chrono::Utc::now().naive_utc();
    ApiError::TooManyRequests {
        code: "too_many_failed_logins",
        detail: "too many failed password checks for this address; try again later or reset the password"
            .to_owned(),
        retry_after_seconds: u64::try_from(wait.num_seconds()).unwrap_or(0) + 1,
    }
}

/// Counts a password check for `email` from `ip` (before it runs, so the
/// limits hold under any burst), runs `verify` in the password lane if the
/// limits allow, and settles the count. `verify` says whether the password
/// was right, plus anything else it computed. `reader` is the account
/// using `email`, if any.
pub async fn guarded_check<T: Send + 'static>(
    state: &AppState,
    email: &str,
    reader: Option<&ReaderRow>,
    ip: Option<IpAddr>,
    verify: impl FnOnce() -> (bool, T) + Send + 'static,
) -> Result<(bool, T), ApiError> {
    let limits = LoginLimits::from_settings(&state.settings);
    let email = email.to_owned();
    let reader_id = reader.map(ReaderRow::reader_id);
    let client = ip.map(|ip| ip.to_string());
    let bcrypt_check = state.password_work.due_for_bcrypt_check();
    let attempt = state
        .db
        .run(move |conn| {
            let now = chrono::Utc::now().naive_utc();
            let bcrypt = if bcrypt_check {
                Some(db::readers::any_bcrypt_hash(conn)?)
            } else {
                None
            };
            Ok((
                bcrypt,
                begin_attempt(
                    conn,
                    limits,
                    &email,
                    reader_id.as_ref(),
                    client.as_deref(),
                    now,
                )?,
            ))
        })
        .await?;
    let (bcrypt, attempt) = attempt;
    if let Some(in_use) = bcrypt {
        state.password_work.note_bcrypt_in_use(in_use);
    }
    let attempt = attempt.map_err(too_many_failed)?;
    let (ok, extra) = measured(state, verify).await?;
    if ok {
        state
            .db
            .run(move |conn| Ok(attempt.settle(conn, true)?))
            .await?;
    }
    Ok((ok, extra))
}

/// Runs `verify` in the password lane and counts the hash work it did.
pub async fn measured<T: Send + 'static>(
    state: &AppState,
    verify: impl FnOnce() -> T + Send + 'static,
) -> Result<T, ApiError> {
    let (result, work) = state.password_work.run_measured(verify).await?;
    state.metrics.password_work.observe(work);
    Ok(result)
}
