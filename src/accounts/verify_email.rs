//! Verifying an address with the token from a verification (or email
//! change) message.

use super::Accounts;
use super::invalid_token::{invalid_or_expired_token, token_required};
use crate::auth::{account_token_hash, end_outstanding_tokens, token_still_honoured};
use crate::db::{self, InsertError};
use crate::domain::TokenPurpose;
use crate::error::ApiError;
use crate::mail::messages::{self, To};

/// Why the sessions open before the first verification ended, as stored.
const REVOKED_BY_FIRST_VERIFICATION: &str = "email_verified";

/// Spends `token` and verifies the address it was sent to; returns that
/// address. An email-change token also moves the account to its new
/// address (409 `email_taken` when another account took it meanwhile) and
/// spends every other outstanding token. A token is refused like an
/// unknown one when the account is disabled or deleted, or when it was
/// issued before the account's last credential change. The first
/// verification of an account's address proves who holds the mailbox, so
/// it ends every session and spends every pending link made before it
/// (OWASP on pre-account-takeover); the session cache is invalidated then,
/// and the reader's welcome email is queued with it.
pub async fn verify_email(accounts: &Accounts<'_>, token: String) -> Result<String, ApiError> {
    if token.trim().is_empty() {
        return Err(token_required());
    }
    let hash = account_token_hash(&token);
    let letters = std::sync::Arc::clone(accounts.letters);
    let (email, first_verification) = accounts
        .db
        .run(move |conn| {
            db::write_transaction(conn, |conn| {
                let now = chrono::Utc::now().naive_utc();
                let purposes = [TokenPurpose::VerifyEmail, TokenPurpose::EmailChange];
                let Some(token) = db::account_tokens::claim(conn, &hash, &purposes, now)? else {
                    return Err(invalid_or_expired_token());
                };
                let reader = token.reader_id();
                let account = db::readers::find(conn, &reader)?;
                if !token_still_honoured(&account, token.created_at) {
                    return Err(invalid_or_expired_token());
                }
                if token.purpose == TokenPurpose::EmailChange {
                    db::readers::change_email(conn, &reader, &token.email, now).map_err(
                        |error| match error {
                            InsertError::Taken => ApiError::conflict(
                                "email_taken",
                                "an account with this email already exists",
                            ),
                            InsertError::Database(other) => other.into(),
                        },
                    )?;
                    db::account_tokens::spend_all(conn, &reader, now)?;
                    return Ok((token.email, false));
                }
                if !db::readers::mark_email_verified(conn, &reader, &token.email, now)? {
                    // The account has moved to another address since.
                    return Err(invalid_or_expired_token());
                }
                let first = account.email_verified_at.is_none();
                if first {
                    end_outstanding_tokens(conn, &reader, now)?;
                    db::sessions::revoke_all_except(
                        conn,
                        &reader,
                        None,
                        REVOKED_BY_FIRST_VERIFICATION,
                        now,
                    )?;
                    let to = To {
                        name: &account.name,
                        email: &token.email,
                        zone: account.time_zone(),
                    };
                    crate::jobs::queue_email(conn, &messages::welcome(&letters, to))?;
                }
                Ok((token.email, first))
            })
        })
        .await?;
    if first_verification {
        accounts.cache.sessions_changed();
        accounts.jobs.wake();
    }
    Ok(email)
}
