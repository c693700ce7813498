//! Enabling a disabled account again.

use super::{AccountChange, target};
use crate::accounts::Accounts;
use crate::db::{self, audit_log::AuditEntry};
use crate::domain::{ReaderId, StaffScope};
use crate::error::ApiError;

/// Lets `id` log in again (its old sessions stay ended), recording
/// `entry` in the same transaction. Idempotent: an enabled account is
/// left as it is and no audit entry is written.
pub async fn enable_reader(
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
                if !db::reader_directory::enable(conn, &id, now)? {
                    return Ok(AccountChange::unchanged(target));
                }
                db::audit_log::record(conn, &entry.at(now))?;
                Ok::<_, ApiError>(AccountChange {
                    id: target.id,
                    disabled_at: None,
                    changed: true,
                    sessions_revoked: 0,
                })
            })
        })
        .await?;
    accounts.cache.sessions_changed();
    Ok(change)
}
