//! Issues as readers see them: metadata is public; the table of contents
//! carries each article's access for this visitor.

pub mod edition;
pub mod get;
pub mod list;

use crate::db::catalogue::PublishedIssue;
use crate::domain::{AccessDecision, AccessView};
use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

/// An issue's public metadata.
#[derive(Debug, Serialize, ToSchema)]
pub struct IssueSummary {
    /// The issue number.
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
    /// Whether this is the newest issue (older ones are the archive).
    pub is_current: bool,
    /// Whether a digital edition (PDF) exists.
    pub has_edition: bool,
    /// May this visitor download the edition?
    pub edition_access: AccessView,
}

impl IssueSummary {
    /// The summary with the gate's answer for the edition.
    pub fn new(issue: &PublishedIssue, current: bool, edition: AccessDecision) -> Self {
        Self {
            number: issue.number,
            volume: issue.volume,
            year: issue.year,
            title: issue.title.clone(),
            cover_image_url: issue.cover_image_url.clone(),
            publication_date: issue.publication_date.and_utc(),
            is_current: current,
            has_edition: issue.edition_media_id.is_some(),
            edition_access: edition.view(),
        }
    }
}
