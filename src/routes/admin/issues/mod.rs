//! Editors' issues: every issue, published or not, as the admin endpoints
//! show it.

pub mod create;
pub mod get;
pub mod list;
pub mod publish;
pub mod unpublish;
pub mod update;
pub mod upload_edition;

pub use crate::catalogue::issue_not_found;

use crate::db::issues::IssueRecord;
use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

/// An issue as editors see it.
#[derive(Debug, Serialize, ToSchema)]
pub struct AdminIssueView {
    /// The issue number (unique).
    pub number: i32,
    /// Volume.
    pub volume: i32,
    /// Year of the volume.
    pub year: i32,
    /// Cover title.
    pub title: String,
    /// Cover image.
    pub cover_image_url: Option<String>,
    /// The cover date.
    pub publication_date: DateTime<Utc>,
    /// Whether readers can see it.
    pub published: bool,
    /// When it was published (while it is).
    pub published_at: Option<DateTime<Utc>>,
    /// The digital edition, once uploaded.
    pub edition: Option<EditionFile>,
}

/// An issue's digital edition file.
#[derive(Debug, Serialize, ToSchema)]
pub struct EditionFile {
    /// Always `application/pdf`.
    pub content_type: String,
    /// Size in bytes.
    pub size_bytes: i64,
}

impl From<IssueRecord> for AdminIssueView {
    fn from(record: IssueRecord) -> Self {
        let IssueRecord {
            issue,
            edition_content_type,
            edition_size_bytes,
        } = record;
        Self {
            number: issue.number,
            volume: issue.volume,
            year: issue.year,
            title: issue.title,
            cover_image_url: issue.cover_image_url,
            publication_date: issue.publication_date.and_utc(),
            published: issue.published_at.is_some(),
            published_at: issue.published_at.map(|at| at.and_utc()),
            edition: edition_content_type.zip(edition_size_bytes).map(
                |(content_type, size_bytes)| EditionFile {
                    content_type,
                    size_bytes,
                },
            ),
        }
    }
}
