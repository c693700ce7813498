//! Articles as readers see them: metadata, the gate's answer, and the full
//! text or the teaser.

pub mod access;
pub mod audio;
pub mod get;
pub mod gift_links;
pub mod list;
pub mod page_json;

use crate::cache::CachedArticle;
use crate::db::catalogue::PublishedArticle;
pub use crate::domain::teaser;
use crate::domain::{AccessView, ArticleAccess, AudioSource, Slug};
use crate::error::ApiError;
use crate::state::AppState;
use actix_web::HttpResponseBuilder;
use actix_web::http::header;
use chrono::{DateTime, Utc};
use serde::Serialize;
use std::sync::Arc;
use utoipa::ToSchema;

/// A published article by slug (from the cache), or 404 (also for a
/// string that is not a slug).
pub async fn visible_article(state: &AppState, slug: &str) -> Result<Arc<CachedArticle>, ApiError> {
    let not_found =
        || ApiError::not_found("article_not_found", "no published article has this slug");
    // Parsed before the cache: a slug that cannot exist is neither looked
    // up nor remembered (64 KiB of junk per request would fill the cache).
    let slug = Slug::parse(slug.to_owned()).map_err(|_| not_found())?;
    state
        .cache
        .article(&state.db, slug.as_str())
        .await?
        .ok_or_else(not_found)
}

/// Keeps an answer out of every cache, the browser's too: it carries a
/// visitor's meter ("2 of 3 free articles left"), which the next read
/// changes.
pub fn mark_private(response: &mut HttpResponseBuilder) {
    response.insert_header((header::CACHE_CONTROL, "private, no-store"));
}

/// [`mark_private`] when the metered paywall had a say in `access`.
pub fn metered_privately(response: &mut HttpResponseBuilder, access: &ArticleAccess) {
    if access.meter.is_some() {
        mark_private(response);
    }
}

/// The issue an article belongs to.
#[derive(Debug, Serialize, ToSchema)]
pub struct IssueRef {
    /// The issue number.
    pub number: i32,
    /// The issue title.
    pub title: String,
}

/// An article's listing entry.
#[derive(Debug, Serialize, ToSchema)]
pub struct ArticleSummary {
    /// URL slug.
    pub slug: String,
    /// Headline.
    pub title: String,
    /// The standfirst under the headline.
    pub dek: String,
    /// Byline.
    pub author: String,
    /// `public`, `registered` or `subscribers`.
    pub visibility: String,
    /// When it was (or will be shown as) published.
    pub publication_date: DateTime<Utc>,
    /// Its issue, if any.
    pub issue: Option<IssueRef>,
    /// Length of the audio version in seconds, when there is one.
    pub audio_duration_seconds: Option<i32>,
    /// Where the audio version came from, when there is one: `recorded`
    /// (read by a person) or `narrated` (text-to-speech), so the site can
    /// say so.
    pub audio_source: Option<AudioSource>,
    /// May this visitor read it in full?
    pub access: AccessView,
}

impl ArticleSummary {
    /// The summary of an article with the gate's answer for this visitor.
    pub fn new(article: &PublishedArticle, access: ArticleAccess) -> Self {
        Self {
            slug: article.slug.clone(),
            title: article.title.clone(),
            dek: article.dek.clone(),
            author: article.author.clone(),
            visibility: article.visibility.as_str().to_owned(),
            publication_date: article.publication_date.and_utc(),
            issue: article.issue_number.map(|number| IssueRef {
                number,
                title: article.issue_title.clone().unwrap_or_default(),
            }),
            audio_duration_seconds: article
                .audio_media_id
                .as_ref()
                .and(article.audio_duration_seconds),
            audio_source: article.audio_media_id.as_ref().and(article.audio_source),
            access: access.view(),
        }
    }
}
