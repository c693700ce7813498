//! Confirming a password reset: the token from a reset email sets a new
//! password and ends everything the old one opened.

use super::Accounts;
use super::invalid_token::{invalid_or_expired_token, token_required};
use crate::auth::{
    account_token_hash, end_outstanding_tokens, hash_password, token_still_honoured, unlock_logins,
};
use crate::db;
use crate::domain::{Password, TokenPurpose};
use crate::error::ApiError;
use crate::mail::messages;
use crate::parse_fields;

/// Sets `new_password` for the reader of the reset `token`, ends every
/// session of the reader (whoever knew the old password is logged out),
/// spends this token and every other outstanding account token of the
/// reader, lifts the login lock on the account, and queues a notice. The
/// token is checked before the password, and spent only when the password
/// is accepted, so a rejected password does not cost the reader their
/// link. Only reset tokens are accepted.
pub async fn confirm_password_reset(
    accounts: &Accounts<'_>,
    token: String,
    new_password: String,
) -> Result<(), ApiError> {
    if token.trim().is_empty() {
        return Err(token_required());
    }
    let hash = account_token_hash(&token);
    let lookup = hash.clone();
    let reader = accounts
        .db
        .run(move |conn| {
            let now = chrono::Utc::now().naive_utc();
            let purposes = [TokenPurpose::PasswordReset];
            let Some(token) = db::account_tokens::find_usable(conn, &lookup, &purposes, now)?
            else {
                return Ok(None);
            };
            let reader = db::readers::find(conn, &token.reader_id())?;
            Ok::<_, ApiError>(reader.disabled_at.is_none().then_some(reader))
        })
        .await?
        .ok_or_else(invalid_or_expired_token)?;
    parse_fields! {
        new_password = "new_password" => Password::parse_for(new_password, Some(&reader.email)),
    }
    let password_hash = accounts
        .password_work
        .run(move || hash_password(&new_password))
        .await??;
    let id = reader.reader_id();
    let email = reader.email.clone();
    let name = reader.name.clone();
    let letters = std::sync::Arc::clone(accounts.letters);
    accounts
        .db
        .run(move |conn| {
            db::write_transaction(conn, |conn| {
                let now = chrono::Utc::now().naive_utc();
                let purposes = [TokenPurpose::PasswordReset];
                let Some(token) = db::account_tokens::claim(conn, &hash, &purposes, now)? else {
                    return Err(invalid_or_expired_token());
                };
                if !token_still_honoured(&db::readers::find(conn, &id)?, token.created_at) {
                    return Err(invalid_or_expired_token());
                }
                db::readers::set_password_hash(conn, &id, &password_hash, now)?;
                db::sessions::revoke_all_except(conn, &id, None, "password_reset", now)?;
                // Whoever can read the reader's mail is the reader: a reset
                // lifts a lock that failed guesses put on the account.
                unlock_logins(conn, &email)?;
                // Every other link (a parked email change above all) dies
                // with the old password: the mailbox owner now holds the
                // account, whoever held it before.
                end_outstanding_tokens(conn, &id, now)?;
                // The link reached this mailbox: that verifies it, if the
                // account still uses it.
                db::readers::mark_email_verified(conn, &id, &token.email, now)?;
                crate::jobs::queue_email(
                    conn,
                    &messages::password_changed(&letters, &name, &email),
                )?;
                Ok(())
            })
        })
        .await?;
    accounts.cache.sessions_changed();
    accounts.jobs.wake();
    Ok(())
}
