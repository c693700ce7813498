//! An editor publishes an article: readers can see it from now on (once
//! its issue, if any, is published too). Publishing again changes nothing,
//! so a retried request is harmless. In the same transaction the article's
//! narration is queued when a narrator is configured and the article has
//! no recording: once per version, so a retried publish narrates once and
//! a republish after an edit narrates the new text.

use super::narration::NarrationQueue;
use super::{article_not_found, edit};
use crate::cache::AppCache;
use crate::db::audit_log::AuditEntry;
use crate::db::{self, Database, DbConnection, articles::ArticleRecord};
use crate::domain::Slug;
use crate::error::ApiError;
use chrono::NaiveDateTime;

/// Publishes the article inside the caller's transaction unless it already
/// is (its first publication time stands), and queues its narration onto
/// `narration`. Returns the article and whether a narration was queued
/// (wake `narration` once the transaction commits). 404 for an unknown slug.
pub fn publish(
    conn: &mut DbConnection,
    slug: &Slug,
    now: NaiveDateTime,
    narration: &NarrationQueue,
) -> Result<(ArticleRecord, bool), ApiError> {
    db::articles::publish(conn, slug.as_str(), now)?;
    let article = db::articles::find_by_slug(conn, slug.as_str())?.ok_or_else(article_not_found)?;
    let queued = narration.queue(conn, &article.article)?;
    Ok((article, queued))
}

/// Publishes the article, audited, and returns it. 404 for an unknown slug.
pub async fn publish_article(
    db: &Database,
    cache: &AppCache,
    narration: &NarrationQueue,
    audit: AuditEntry,
    slug: Slug,
) -> Result<ArticleRecord, ApiError> {
    let queue = narration.clone();
    let (article, queued) = edit(db, cache, audit, move |conn, now| {
        publish(conn, &slug, now, &queue)
    })
    .await?;
    if queued {
        narration.wake();
    }
    Ok(article)
}
