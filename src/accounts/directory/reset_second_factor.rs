//! An admin resets another staff member's second factor (a lost phone):
//! the factor and its recovery codes go, the member's sessions end, and
//! the audit log records who did it. The member logs in with the password
//! and enrols again.

use super::target;
use crate::accounts::Accounts;
use crate::db::{self, audit_log::AuditEntry};
use crate::domain::{ReaderId, StaffScope};
use crate::error::ApiError;
use serde_json::json;

/// Resets `id`'s factor as `scope` (never one's own: an admin who lost
/// theirs asks another admin, or the operator runs `masthead staff
/// reset-second-factor`); `entry` is the audit entry. 404
/// `second_factor_not_enrolled` when there is none to reset.
pub async fn reset_second_factor(
    accounts: &Accounts<'_>,
    scope: StaffScope,
    entry: AuditEntry,
    id: ReaderId,
) -> Result<usize, ApiError> {
    let revoked = accounts
        .db
        .run(move |conn| {
            db::write_transaction(conn, |conn| {
                target(conn, &scope, &id)?;
                let revoked = remove_factor(conn, &id)?;
                let now = chrono::Utc::now().naive_utc();
                let entry = entry.details(&json!({ "sessions": revoked })).at(now);
                db::audit_log::record(conn, &entry)?;
                Ok::<_, ApiError>(revoked)
            })
        })
        .await?;
    accounts.cache.sessions_changed();
    Ok(revoked)
}

/// Removes `id`'s factor and ends their sessions, in the caller's
/// transaction; the number of sessions ended. Also the operator's command.
pub fn remove_factor(conn: &mut db::DbConnection, id: &ReaderId) -> Result<usize, ApiError> {
    if !db::second_factors::remove(conn, id)? {
        return Err(ApiError::not_found(
            "second_factor_not_enrolled",
            "this account has no second factor",
        ));
    }
    let now = chrono::Utc::now().naive_utc();
    Ok(db::sessions::revoke_all_except(
        conn,
        id,
        None,
        "second_factor_reset",
        now,
    )?)
}
