//! Editors' articles: every article, published or not, as the admin
//! endpoints show it, and the parsing the create and update actions share.

pub mod create;
pub mod get;
pub mod list;
pub mod publish;
pub mod unpublish;
pub mod update;
pub mod upload_audio;

pub use crate::catalogue::article_not_found;

use crate::db::articles::ArticleRecord;
use crate::domain::{AudioSource, MeterRule, Slug, Visibility};
use crate::error::{ApiError, FieldError};
use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

/// An article as editors see it.
#[derive(Debug, Serialize, ToSchema)]
pub struct AdminArticleView {
    /// The URL name (unique).
    pub slug: String,
    /// Headline.
    pub title: String,
    /// Standfirst.
    pub dek: String,
    /// Byline.
    pub author: String,
    /// The full text; paragraphs separated by blank lines.
    pub body: String,
    /// The issue it appears in, if any.
    pub issue_number: Option<i32>,
    /// Who may read the full text.
    pub visibility: Visibility,
    /// Paragraphs shown before the paywall (`null`: the default cut).
    pub paywall_cut: Option<i32>,
    /// How the metered paywall treats it: `metered`, `exempt` or `walled`.
    pub meter: MeterRule,
    /// The date it carries.
    pub publication_date: DateTime<Utc>,
    /// Whether readers can see it (its issue, if any, must be published too).
    pub published: bool,
    /// When it was published (while it is).
    pub published_at: Option<DateTime<Utc>>,
    /// The audio version, once uploaded or narrated.
    pub audio: Option<AudioFile>,
    /// Where the audio came from, while there is audio: `recorded` (an
    /// editor's upload) or `narrated` (the narration job's).
    pub audio_source: Option<AudioSource>,
}

/// An article's audio file.
#[derive(Debug, Serialize, ToSchema)]
pub struct AudioFile {
    /// How long it runs.
    pub duration_seconds: i32,
    /// `audio/mpeg`, `audio/mp4`, `audio/ogg` or `audio/wav`.
    pub content_type: String,
    /// Size in bytes.
    pub size_bytes: i64,
}

impl From<ArticleRecord> for AdminArticleView {
    fn from(record: ArticleRecord) -> Self {
        let ArticleRecord {
            article,
            issue_number,
            audio_content_type,
            audio_size_bytes,
        } = record;
        let audio = match (
            article.audio_duration_seconds,
            audio_content_type,
            audio_size_bytes,
        ) {
            (Some(duration_seconds), Some(content_type), Some(size_bytes)) => Some(AudioFile {
                duration_seconds,
                content_type,
                size_bytes,
            }),
            _ => None,
        };
        let audio_source = audio.as_ref().and(article.audio_source);
        Self {
            slug: article.slug,
            title: article.title,
            dek: article.dek,
            author: article.author,
            body: article.body,
            issue_number,
            visibility: article.visibility,
            paywall_cut: article.paywall_cut,
            meter: article.meter_rule,
            publication_date: article.publication_date.and_utc(),
            published: article.published_at.is_some(),
            published_at: article.published_at.map(|at| at.and_utc()),
            audio,
            audio_source,
        }
    }
}

/// The slug of a path: one that cannot be valid cannot exist either.
pub fn path_slug(raw: String) -> Result<Slug, ApiError> {
    Slug::parse(raw).map_err(|_| article_not_found())
}

/// Parses a metered-paywall rule.
pub fn parse_meter_rule(raw: String) -> Result<MeterRule, FieldError> {
    MeterRule::parse(&raw)
        .ok_or_else(|| FieldError::new("invalid_choice", "meter is one of metered, exempt, walled"))
}

/// Parses a visibility name.
pub fn parse_visibility(raw: String) -> Result<Visibility, FieldError> {
    Visibility::parse(&raw).ok_or_else(|| {
        FieldError::new(
            "invalid_choice",
            "visibility is one of public, registered, subscribers",
        )
    })
}
