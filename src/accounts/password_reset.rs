//! Asking for a password-reset link, and the link itself (shared with
//! sign-up, which sends one to the mailbox of an unverified account).

use super::Accounts;
use crate::auth::{Limited, issue_account_token};
use crate::db::{self, DbConnection, readers::ReaderRow};
use crate::domain::{ReaderEmail, TokenPurpose};
use crate::error::ApiError;
use crate::mail::Letters;
use crate::mail::messages;
use chrono::NaiveDateTime;
use std::net::IpAddr;

/// Emails a reset link to the account using `email`, if there is one, it
/// is not disabled, and no link went out within the cooldown. The caller
/// answers alike whatever happened; the work is kept alike too (a write
/// transaction with one lookup either way; a known address adds one insert
/// of a hashed token). `email` is `None` for input that is not an address.
pub async fn request_password_reset(
    accounts: &Accounts<'_>,
    email: Option<ReaderEmail>,
    ip: Option<IpAddr>,
) -> Result<(), ApiError> {
    accounts.rate_limits.check(Limited::EmailRequest, ip)?;
    let cooldown = accounts.settings.verification_resend_cooldown_seconds;
    let ttl = accounts.settings.password_reset_ttl_minutes;
    let letters = std::sync::Arc::clone(accounts.letters);
    let issued = accounts
        .db
        .run(move |conn| {
            let Some(email) = email else {
                return Ok(false);
            };
            db::write_transaction(conn, |conn| {
                let now = chrono::Utc::now().naive_utc();
                let reader = db::readers::find_by_email(conn, email.as_str())?;
                let Some(reader) = reader.filter(|r| r.disabled_at.is_none()) else {
                    return Ok(false);
                };
                let Some(token) = reset_link(conn, cooldown, ttl, &reader, now)? else {
                    return Ok(false);
                };
                queue_reset_link(conn, &letters, &reader, &token)?;
                Ok::<_, ApiError>(true)
            })
        })
        .await?;
    if issued {
        accounts.jobs.wake();
    }
    Ok(())
}

/// Queues the email carrying `reader`'s reset link `token`, in the
/// caller's transaction (so a rolled-back link is never mailed).
pub(super) fn queue_reset_link(
    conn: &mut DbConnection,
    letters: &Letters,
    reader: &ReaderRow,
    token: &str,
) -> diesel::QueryResult<()> {
    let minutes = letters.settings().password_reset_ttl_minutes;
    crate::jobs::queue_email(
        conn,
        &messages::password_reset(letters, &reader.name, &reader.email, token, minutes),
    )
}

/// Issues a reset link for `reader`, unless one was sent within the
/// cooldown (`MASTHEAD_VERIFICATION_RESEND_COOLDOWN_SECONDS`; then `None`:
/// a mailbox is not flooded). Valid `ttl_minutes`.
pub(super) fn reset_link(
    conn: &mut DbConnection,
    cooldown_seconds: i64,
    ttl_minutes: i64,
    reader: &ReaderRow,
    now: NaiveDateTime,
) -> diesel::QueryResult<Option<String>> {
    let id = reader.reader_id();
    let cooldown = chrono::Duration::seconds(cooldown_seconds);
    let last = db::account_tokens::last_issued_at(conn, &id, TokenPurpose::PasswordReset)?;
    if last.is_some_and(|last| now - last < cooldown) {
        return Ok(None);
    }
    Ok(Some(issue_account_token(
        conn,
        &id,
        TokenPurpose::PasswordReset,
        &reader.email,
        chrono::Duration::minutes(ttl_minutes),
        now,
    )?))
}
