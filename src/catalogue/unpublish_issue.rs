//! An editor takes an issue off the public catalogue (and with it its
//! articles). Unpublishing an unpublished issue changes nothing.

use super::{edit, issue_not_found};
use crate::cache::AppCache;
use crate::db::audit_log::AuditEntry;
use crate::db::{self, Database, issues::IssueRecord};
use crate::error::ApiError;

/// Unpublishes the issue numbered `number`, audited, and returns it. 404
/// for an unknown number.
pub async fn unpublish_issue(
    db: &Database,
    cache: &AppCache,
    audit: AuditEntry,
    number: i32,
) -> Result<IssueRecord, ApiError> {
    edit(db, cache, audit, move |conn, now| {
        db::issues::unpublish(conn, number, now)?;
        db::issues::find_by_number(conn, number)?.ok_or_else(issue_not_found)
    })
    .await
}
