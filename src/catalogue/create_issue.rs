//! An editor creates an issue, unpublished until it is published
//! explicitly. The demo magazine is made through [`insert`] too.

use super::{edit, issue_not_found, number_taken};
use crate::cache::AppCache;
use crate::db::audit_log::AuditEntry;
use crate::db::{self, Database, DbConnection, issues::IssueRecord, issues::NewIssue};
use crate::domain::{CoverImageUrl, IssueNumber, IssueYear, PublicationDate, Title, Volume};
use crate::error::ApiError;
use chrono::NaiveDateTime;

/// A new issue, every field checked.
#[derive(Debug, Clone)]
pub struct IssueDraft {
    /// The issue number (unique).
    pub number: IssueNumber,
    /// Volume.
    pub volume: Volume,
    /// Year of the volume.
    pub year: IssueYear,
    /// Cover title.
    pub title: Title,
    /// Cover image.
    pub cover_image_url: Option<CoverImageUrl>,
    /// The cover date.
    pub publication_date: PublicationDate,
}

/// Inserts the issue inside the caller's transaction and returns its id.
/// 409 `issue_number_taken`.
pub fn insert(
    conn: &mut DbConnection,
    draft: &IssueDraft,
    now: NaiveDateTime,
) -> Result<String, ApiError> {
    let id = uuid::Uuid::now_v7().to_string();
    db::issues::insert(
        conn,
        &NewIssue {
            id: &id,
            number: draft.number.get(),
            volume: draft.volume.get(),
            year: draft.year.get(),
            title: draft.title.as_str(),
            cover_image_url: draft.cover_image_url.as_ref().map(CoverImageUrl::as_str),
            publication_date: draft.publication_date.naive_utc(),
            created_at: now,
            updated_at: now,
        },
    )
    .map_err(number_taken)?;
    Ok(id)
}

/// Creates the issue, audited, and returns it as stored.
pub async fn create_issue(
    db: &Database,
    cache: &AppCache,
    audit: AuditEntry,
    draft: IssueDraft,
) -> Result<IssueRecord, ApiError> {
    edit(db, cache, audit, move |conn, now| {
        insert(conn, &draft, now)?;
        db::issues::find_by_number(conn, draft.number.get())?.ok_or_else(issue_not_found)
    })
    .await
}
