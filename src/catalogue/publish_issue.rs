//! An editor publishes an issue: readers can see it, and its published
//! articles, from now on. Publishing again changes nothing, so a retried
//! request is harmless.

use super::{edit, issue_not_found};
use crate::cache::AppCache;
use crate::db::audit_log::AuditEntry;
use crate::db::{self, Database, DbConnection, issues::IssueRecord};
use crate::domain::IssueNumber;
use crate::error::ApiError;
use chrono::NaiveDateTime;

/// Publishes the issue inside the caller's transaction unless it already
/// is (its first publication time stands).
pub fn publish(
    conn: &mut DbConnection,
    number: IssueNumber,
    now: NaiveDateTime,
) -> Result<(), ApiError> {
    db::issues::publish(conn, number.get(), now)?;
    Ok(())
}

/// Publishes the issue numbered `number`, audited, and returns it. 404 for
/// an unknown number.
pub async fn publish_issue(
    db: &Database,
    cache: &AppCache,
    audit: AuditEntry,
    number: i32,
) -> Result<IssueRecord, ApiError> {
    edit(db, cache, audit, move |conn, now| {
        db::issues::publish(conn, number, now)?;
        db::issues::find_by_number(conn, number)?.ok_or_else(issue_not_found)
    })
    .await
}
