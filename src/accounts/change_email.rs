//! Asking to move an account to a new address: the move happens once the
//! link sent there is used (see [`super::verify_email`]).

use super::{Accounts, MAX_PASSWORD_BYTES, guarded_check};
use crate::auth::{Limited, issue_account_token, verify_password};
use crate::db::{self, readers::ReaderRow};
use crate::domain::{FieldError, ReaderEmail, TokenPurpose};
use crate::error::ApiError;
use crate::mail::messages;
use crate::parse_fields;
use std::net::IpAddr;

/// 409 `email_taken`.
fn email_taken() -> ApiError {
    ApiError::conflict("email_taken", "an account with this email already exists")
}

/// The new address, unless it is the account's own (`unchanged`).
fn unchanged(new: &ReaderEmail, current: &str) -> Result<ReaderEmail, FieldError> {
    if new.as_str().eq_ignore_ascii_case(current) {
        return Err(FieldError::new(
            "unchanged",
            "this is already the account's address",
        ));
    }
    Ok(new.clone())
}

/// Queues a confirmation link (valid `MASTHEAD_VERIFICATION_TOKEN_TTL_HOURS`)
/// to `new_email` and a notice to the current address of `account`, once
/// `current_password` matches (403 `invalid_credentials` otherwise). The
/// password check counts into the login limits and the mail into the
/// email limit, so this is neither a password oracle nor a way to send
/// mail to anyone. A new address another account uses is 409
/// `email_taken`.
pub async fn request_email_change(
    accounts: &Accounts<'_>,
    account: &ReaderRow,
    new_email: String,
    current_password: String,
    ip: Option<IpAddr>,
) -> Result<(), ApiError> {
    accounts.rate_limits.check(Limited::Login, ip)?;
    accounts.rate_limits.check(Limited::EmailRequest, ip)?;
    let current = account.email.clone();
    let production = accounts.settings.is_production();
    parse_fields! {
        new_email = "new_email" => ReaderEmail::parse_deliverable(new_email, production)
            .and_then(|new| unchanged(&new, &current)),
    }
    let password = current_password;
    let stored = account.password_hash.clone();
    let (password_ok, ()) = guarded_check(accounts, &current, Some(account), ip, move || {
        let ok = password.len() <= MAX_PASSWORD_BYTES && verify_password(&password, Some(&stored));
        (ok, ())
    })
    .await?;
    if !password_ok {
        return Err(ApiError::forbidden(
            "invalid_credentials",
            "the current password is incorrect",
        ));
    }
    let settings = accounts.settings.clone();
    let letters = std::sync::Arc::clone(accounts.letters);
    let id = account.reader_id();
    let to = new_email;
    let name = account.name.clone();
    accounts
        .db
        .run(move |conn| {
            db::write_transaction(conn, |conn| {
                let now = chrono::Utc::now().naive_utc();
                if db::readers::find_by_email(conn, to.as_str())?.is_some() {
                    return Err(email_taken());
                }
                let hours = settings.verification_token_ttl_hours;
                let token = issue_account_token(
                    conn,
                    &id,
                    TokenPurpose::EmailChange,
                    to.as_str(),
                    chrono::Duration::hours(hours),
                    now,
                )?;
                crate::jobs::queue_email(
                    conn,
                    &messages::email_change(&letters, &name, to.as_str(), &token, hours),
                )?;
                crate::jobs::queue_email(
                    conn,
                    &messages::email_change_notice(&letters, &name, &current, to.as_str()),
                )?;
                Ok(())
            })
        })
        .await?;
    accounts.jobs.wake();
    Ok(())
}
