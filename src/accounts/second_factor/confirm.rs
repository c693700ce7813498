//! Confirming an enrolment with the password and a first code: the factor
//! is live, the recovery codes are handed out once, this session counts as
//! having proved it, and every other session of the member ends (it did
//! not). The password is asked for because confirming lifts the session to
//! one that may act as staff: a stolen access token alone must not.

use super::{staff_only, unix_now, wrong_code};
use crate::accounts::{Accounts, MAX_PASSWORD_BYTES, guarded_check};
use crate::auth::totp::{TotpSecret, new_recovery_codes, recovery_code_hash};
use crate::auth::verify_password;
use crate::db::{self, readers::ReaderRow};
use crate::domain::SessionId;
use crate::error::ApiError;
use std::net::IpAddr;

/// A confirmed factor's recovery codes, shown this once.
#[derive(Debug)]
pub struct Confirmed {
    /// One-time codes for when the app is lost.
    pub recovery_codes: Vec<String>,
}

/// What confirming takes: the member's password and the app's code, from
/// the session asking.
#[derive(Debug)]
pub struct Confirmation {
    /// The account's password (403 `wrong_password`; counts into the login limits).
    pub password: String,
    /// The six-digit code the app shows now.
    pub code: String,
    /// The session confirming, which counts as having proved the factor.
    pub session: SessionId,
    /// The client address, for the login limits.
    pub ip: Option<IpAddr>,
}

/// Confirms `account`'s started enrolment.
pub async fn confirm_enrolment(
    accounts: &Accounts<'_>,
    account: &ReaderRow,
    confirmation: Confirmation,
) -> Result<Confirmed, ApiError> {
    staff_only(account.role())?;
    let Confirmation {
        password,
        code,
        session,
        ip,
    } = confirmation;
    let stored = account.password_hash.clone();
    let (ok, ()) = guarded_check(accounts, &account.email, Some(account), ip, move || {
        let ok = password.len() <= MAX_PASSWORD_BYTES && verify_password(&password, Some(&stored));
        (ok, ())
    })
    .await?;
    if !ok {
        return Err(ApiError::forbidden(
            "wrong_password",
            "the password is incorrect",
        ));
    }
    let member = account.reader_id();
    let codes = new_recovery_codes();
    let hashes: Vec<String> = codes.iter().map(|code| recovery_code_hash(code)).collect();
    accounts
        .db
        .run(move |conn| {
            let now = chrono::Utc::now().naive_utc();
            db::write_transaction(conn, |conn| {
                let Some(factor) = db::second_factors::find(conn, &member)? else {
                    return Err(not_started());
                };
                if factor.confirmed_at.is_some() {
                    return Err(ApiError::conflict(
                        "second_factor_already_enrolled",
                        "the second factor is already confirmed",
                    ));
                }
                let secret = TotpSecret::from_stored(&factor.secret).ok_or_else(not_started)?;
                let step = secret
                    .accepted_step(&code, unix_now(now), 0)
                    .and_then(|step| i64::try_from(step).ok())
                    .ok_or_else(wrong_code)?;
                if !db::second_factors::confirm(conn, &member, step, now)? {
                    return Err(wrong_code());
                }
                db::second_factors::replace_recovery_codes(conn, &member, &hashes, now)?;
                db::second_factors::mark_session(conn, &session, now)?;
                db::sessions::revoke_all_except(
                    conn,
                    &member,
                    Some(&session),
                    "second_factor_enrolled",
                    now,
                )?;
                Ok(())
            })
        })
        .await?;
    accounts.cache.sessions_changed();
    Ok(Confirmed {
        recovery_codes: codes,
    })
}

fn not_started() -> ApiError {
    ApiError::not_found(
        "second_factor_not_started",
        "no enrolment is started: POST /v1/me/second-factor first",
    )
}
