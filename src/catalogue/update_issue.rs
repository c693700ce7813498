//! An editor changes some of an issue's fields, possibly its number.

use super::{edit, issue_not_found, number_taken};
use crate::cache::AppCache;
use crate::db::audit_log::AuditEntry;
use crate::db::{self, Database, issues::IssueChanges, issues::IssueRecord};
use crate::domain::{
    Change, CoverImageUrl, IssueNumber, IssueYear, PublicationDate, Title, Volume,
};
use crate::error::ApiError;

/// What the editor changes; `None` (or [`Change::Keep`]) leaves a field
/// alone.
#[derive(Debug)]
pub struct IssueEdit {
    /// A new number.
    pub number: Option<IssueNumber>,
    /// A new volume.
    pub volume: Option<Volume>,
    /// A new year.
    pub year: Option<IssueYear>,
    /// A new cover title.
    pub title: Option<Title>,
    /// Another cover image, or none.
    pub cover_image_url: Change<CoverImageUrl>,
    /// Another date.
    pub publication_date: Option<PublicationDate>,
}

/// Applies the edit to issue `current`, audited, and returns it under its
/// (maybe new) number. 404 for an unknown number, 409 `issue_number_taken`.
pub async fn update_issue(
    db: &Database,
    cache: &AppCache,
    audit: AuditEntry,
    current: i32,
    wanted: IssueEdit,
) -> Result<IssueRecord, ApiError> {
    let changes = IssueChanges {
        number: wanted.number.map(IssueNumber::get),
        volume: wanted.volume.map(Volume::get),
        year: wanted.year.map(IssueYear::get),
        title: wanted.title.map(|title| title.as_str().to_owned()),
        cover_image_url: wanted
            .cover_image_url
            .into_column(|url| url.as_str().to_owned()),
        publication_date: wanted.publication_date.map(PublicationDate::naive_utc),
        updated_at: chrono::Utc::now().naive_utc(),
    };
    let renumbered = changes.number.unwrap_or(current);
    edit(db, cache, audit, move |conn, _| {
        if db::issues::update(conn, current, &changes).map_err(number_taken)? == 0 {
            return Err(issue_not_found());
        }
        db::issues::find_by_number(conn, renumbered)?.ok_or_else(issue_not_found)
    })
    .await
}
