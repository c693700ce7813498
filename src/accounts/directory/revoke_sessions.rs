//! Logging a reader out everywhere (a stolen device, a shared password).

use super::target;
use crate::accounts::Accounts;
use crate::db::{self, audit_log::AuditEntry};
use crate::domain::{ReaderId, StaffScope};
use crate::error::ApiError;
use serde_json::json;

/// Why a session ended, as stored.
const REVOKED_BY_STAFF: &str = "revoked_by_staff";

/// Ends every session of `id` (refresh and access tokens stop working at
/// once), recording `entry` with the count in the same transaction;
/// returns how many were live.
pub async fn revoke_reader_sessions(
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
                let now = chrono::Utc::now().naive_utc();
                let revoked =
                    db::sessions::revoke_all_except(conn, &id, None, REVOKED_BY_STAFF, now)?;
                let entry = entry.details(&json!({ "sessions": revoked })).at(now);
                db::audit_log::record(conn, &entry)?;
                Ok::<_, ApiError>(revoked)
            })
        })
        .await?;
    accounts.cache.sessions_changed();
    Ok(revoked)
}
