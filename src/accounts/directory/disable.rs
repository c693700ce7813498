//! Disabling an account (abuse, fraud, a compromised account).

use super::{AccountChange, target};
use crate::accounts::Accounts;
use crate::db::{self, audit_log::AuditEntry};
use crate::domain::{ReaderId, StaffScope};
use crate::error::ApiError;
use serde_json::json;

/// Why the sessions of a disabled account ended, as stored.
const REVOKED_BY_DISABLE: &str = "account_disabled";

/// Disables `id`: it cannot log in or refresh, every session ends and
/// every outstanding account token is spent, in one transaction with
/// `entry`. Idempotent: an already disabled account keeps its first
/// `disabled_at`, and no second audit entry is written.
pub async fn disable_reader(
    accounts: &Accounts<'_>,
    scope: StaffScope,
    entry: AuditEntry,
    id: ReaderId,
) -> Result<AccountChange, ApiError> {
    let change = accounts
        .db
        .run(move |conn| {
            db::write_transaction(conn, |conn| {
                let target = target(conn, &scope, &id)?;
                let now = chrono::Utc::now().naive_utc();
                if !db::reader_directory::disable(conn, &id, now)? {
                    return Ok(AccountChange::unchanged(target));
                }
                let revoked =
                    db::sessions::revoke_all_except(conn, &id, None, REVOKED_BY_DISABLE, now)?;
                // No link sent before may change the account once enabled
                // again (a parked email change, a reset).
                crate::auth::end_outstanding_tokens(conn, &id, now)?;
                let entry = entry.details(&json!({ "sessions": revoked })).at(now);
                db::audit_log::record(conn, &entry)?;
                // Read back: PostgreSQL keeps microseconds, so `now` itself
                // would not match what later answers show.
                let disabled_at = db::readers::find(conn, &id)?.disabled_at;
                Ok::<_, ApiError>(AccountChange {
                    id: target.id,
                    disabled_at,
                    changed: true,
                    sessions_revoked: revoked,
                })
            })
        })
        .await?;
    accounts.cache.sessions_changed();
    Ok(change)
}
