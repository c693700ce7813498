//! An editor uploads an issue's digital edition (a PDF), replacing any
//! earlier one: the file is stored, the issue pointed at it and the old
//! file's row deleted in one transaction; the old file itself goes once
//! that commits.

use super::{edit, issue_not_found};
use crate::cache::AppCache;
use crate::db::audit_log::AuditEntry;
use crate::db::{self, Database, issues::IssueRecord};
use crate::error::ApiError;
use crate::media::{self, ReceivedFile};
use std::future::Future;
use std::path::Path;

/// Stores the edition `receive` reads and returns the issue with it.
/// `receive` (reading the request body) is only awaited once the issue is
/// known to exist, so a request for an unknown number is refused (404)
/// before a byte of its body is read.
pub async fn upload_edition(
    db: &Database,
    cache: &AppCache,
    media_dir: &Path,
    audit: AuditEntry,
    number: i32,
    receive: impl Future<Output = Result<ReceivedFile, ApiError>>,
) -> Result<IssueRecord, ApiError> {
    let known = db
        .run(move |conn| Ok(db::issues::id_by_number(conn, number)?))
        .await?;
    if known.is_none() {
        return Err(issue_not_found());
    }
    let stored = receive.await?.persist(media_dir)?;
    let record = stored.record.clone();
    let (issue, replaced) = edit(db, cache, audit, move |conn, now| {
        let current = db::issues::find_by_number(conn, number)?.ok_or_else(issue_not_found)?;
        db::media::insert(conn, &record.as_new_row(now))?;
        db::issues::set_edition(conn, &current.issue.id, &record.id, now)?;
        let replaced = match current.issue.edition_media_id {
            Some(old) => db::media::delete(conn, &old)?,
            None => None,
        };
        let issue = db::issues::find_by_number(conn, number)?.ok_or_else(issue_not_found)?;
        Ok((issue, replaced))
    })
    .await?;
    stored.keep();
    if let Some(old) = replaced {
        media::remove_replaced(media_dir, old).await;
    }
    Ok(issue)
}
