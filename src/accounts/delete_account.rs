//! A reader leaving: renewals stop, every session ends, the personal data
//! is erased; payment records stay, with the anonymised account.

use super::{Accounts, MAX_PASSWORD_BYTES, guarded_check};
use crate::auth::{Limited, end_outstanding_tokens, unusable_password_hash, verify_password};
use crate::billing::{self, Provider};
use crate::db;
use crate::db::readers::ReaderRow;
use crate::error::ApiError;
use std::net::IpAddr;

/// Deletes `account` once `password` matches (the check counts into the
/// login limits; 403 `wrong_password` otherwise). Renewals are stopped at
/// the provider first, so a provider failure deletes nothing; then the row
/// is anonymised, every session revoked and every outstanding account
/// token spent, and the session and subscription caches invalidated.
pub async fn delete_account(
    accounts: &Accounts<'_>,
    payments: &Provider,
    account: &ReaderRow,
    password: String,
    ip: Option<IpAddr>,
) -> Result<(), ApiError> {
    accounts.rate_limits.check(Limited::Login, ip)?;
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
    let reader = account.reader_id();
    billing::stop_renewals_for_departure(accounts.db, payments, &reader).await?;
    let id = reader.clone();
    accounts
        .db
        .run(move |conn| {
            let now = chrono::Utc::now().naive_utc();
            db::write_transaction(conn, |conn| {
                db::readers::anonymise(conn, &id, &unusable_password_hash(), now)?;
                db::sessions::revoke_all_except(conn, &id, None, "account_deleted", now)?;
                end_outstanding_tokens(conn, &id, now)?;
                db::meters::forget(conn, &crate::domain::reader_meter(&id))?;
                Ok::<_, ApiError>(())
            })
        })
        .await?;
    accounts.cache.sessions_changed();
    accounts.cache.subscriptions_changed(&reader);
    Ok(())
}
