//! Changing the password of a logged-in reader.

use super::{Accounts, MAX_PASSWORD_BYTES, guarded_check};
use crate::auth::{Limited, end_outstanding_tokens, hash_password, verify_password};
use crate::db;
use crate::domain::{Password, ReaderId, SessionId};
use crate::error::ApiError;
use crate::parse_fields;
use std::net::IpAddr;

/// Who changes their password, from which session and address.
pub struct PasswordChange<'a> {
    /// The reader.
    pub reader: &'a ReaderId,
    /// The session making the change: it stays logged in.
    pub session: &'a SessionId,
    /// The account's email (a new password may not be it).
    pub email: &'a str,
    /// The client's address, for the login limits.
    pub ip: Option<IpAddr>,
}

/// Checks `current_password` (the check counts into the login limits),
/// sets `new_password`, revokes every other session of the reader and
/// spends every outstanding account token (a link sent before, a parked
/// email change above all, must not outlive the old password). 403
/// `wrong_password` for a wrong current password.
pub async fn change_password(
    accounts: &Accounts<'_>,
    change: PasswordChange<'_>,
    current_password: String,
    new_password: String,
) -> Result<(), ApiError> {
    accounts.rate_limits.check(Limited::Login, change.ip)?;
    parse_fields! {
        new_password = "new_password" => Password::parse_for(new_password, Some(change.email)),
    }
    let id = change.reader.clone();
    let row = accounts
        .db
        .run(move |conn| Ok::<_, ApiError>(db::readers::find(conn, &id)?))
        .await?;
    let current = current_password;
    let email = row.email.clone();
    let account = row.clone();
    let (ok, hash) = guarded_check(accounts, &email, Some(&account), change.ip, move || {
        let ok = current.len() <= MAX_PASSWORD_BYTES
            && verify_password(&current, Some(&row.password_hash));
        (ok, ok.then(|| hash_password(&new_password)))
    })
    .await?;
    let Some(hash) = hash.filter(|_| ok) else {
        return Err(ApiError::forbidden(
            "wrong_password",
            "the current password is incorrect",
        ));
    };
    let hash = hash?;
    let reader = change.reader.clone();
    let session = change.session.clone();
    accounts
        .db
        .run(move |conn| {
            db::write_transaction(conn, |conn| {
                let now = chrono::Utc::now().naive_utc();
                db::readers::set_password_hash(conn, &reader, &hash, now)?;
                end_outstanding_tokens(conn, &reader, now)?;
                db::sessions::revoke_all_except(
                    conn,
                    &reader,
                    Some(&session),
                    "password_changed",
                    now,
                )?;
                Ok::<_, ApiError>(())
            })
        })
        .await?;
    accounts.cache.sessions_changed();
    Ok(())
}
