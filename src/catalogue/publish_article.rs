//! An editor publishes an article: readers can see it from now on (once
//! its issue, if any, is published too). Publishing again changes nothing,
//! so a retried request is harmless.

use super::{article_not_found, edit};
use crate::cache::AppCache;
use crate::db::audit_log::AuditEntry;
use crate::db::{self, Database, DbConnection, articles::ArticleRecord};
use crate::domain::Slug;
use crate::error::ApiError;
use chrono::NaiveDateTime;

/// Publishes the article inside the caller's transaction unless it already
/// is (its first publication time stands).
pub fn publish(conn: &mut DbConnection, slug: &Slug, now: NaiveDateTime) -> Result<(), ApiError> {
    db::articles::publish(conn, slug.as_str(), now)?;
    Ok(())
}

/// Publishes the article, audited, and returns it. 404 for an unknown slug.
pub async fn publish_article(
    db: &Database,
    cache: &AppCache,
    audit: AuditEntry,
    slug: Slug,
) -> Result<ArticleRecord, ApiError> {
    edit(db, cache, audit, move |conn, now| {
        publish(conn, &slug, now)?;
        db::articles::find_by_slug(conn, slug.as_str())?.ok_or_else(article_not_found)
    })
    .await
}
