//! Sending a fresh verification link to a logged-in reader.

use super::Accounts;
use crate::auth::{Limited, issue_account_token};
use crate::db;
use crate::domain::{ReaderId, TokenPurpose};
use crate::error::ApiError;
use crate::mail::messages;
use std::net::IpAddr;

/// 409 `already_verified`.
fn already_verified() -> ApiError {
    ApiError::conflict("already_verified", "this email address is already verified")
}

/// Queues a new verification link for `reader` (earlier links keep working
/// until they expire). At most one per
/// `MASTHEAD_VERIFICATION_RESEND_COOLDOWN_SECONDS`, counted from the last
/// link as stored, so the limit holds across instances; the reader's row
/// is locked meanwhile, so two concurrent requests cannot both pass.
/// `already_verified` is what the caller's session saw (a fast refusal
/// before any write).
pub async fn resend_verification(
    accounts: &Accounts<'_>,
    reader: ReaderId,
    already_verified_seen: bool,
    ip: Option<IpAddr>,
) -> Result<(), ApiError> {
    accounts.rate_limits.check(Limited::EmailRequest, ip)?;
    if already_verified_seen {
        return Err(already_verified());
    }
    let settings = accounts.settings.clone();
    let letters = std::sync::Arc::clone(accounts.letters);
    accounts
        .db
        .run(move |conn| {
            db::write_transaction(conn, |conn| {
                let now = chrono::Utc::now().naive_utc();
                db::readers::lock(conn, &reader)?;
                let account = db::readers::find(conn, &reader)?;
                if account.email_verified_at.is_some() {
                    return Err(already_verified());
                }
                let cooldown = settings.verification_resend_cooldown_seconds;
                let last =
                    db::account_tokens::last_issued_at(conn, &reader, TokenPurpose::VerifyEmail)?;
                if let Some(wait_ms) = last
                    .map(|last| cooldown * 1000 - (now - last).num_milliseconds())
                    .filter(|wait_ms| *wait_ms > 0)
                {
                    let seconds = u64::try_from((wait_ms + 999) / 1000).unwrap_or(1);
                    return Err(ApiError::too_many_requests(
                        "verification_recently_sent",
                        format!(
                            "a verification email was sent moments ago; ask again in {seconds} s"
                        ),
                        seconds,
                    ));
                }
                let hours = settings.verification_token_ttl_hours;
                let token = issue_account_token(
                    conn,
                    &reader,
                    TokenPurpose::VerifyEmail,
                    &account.email,
                    chrono::Duration::hours(hours),
                    now,
                )?;
                crate::jobs::queue_email(
                    conn,
                    &messages::verify_email(&letters, &account.name, &account.email, &token, hours),
                )?;
                Ok(())
            })
        })
        .await?;
    accounts.jobs.wake();
    Ok(())
}
