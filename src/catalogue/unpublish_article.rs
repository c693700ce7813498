//! An editor takes an article off the public catalogue. Unpublishing an
//! unpublished article changes nothing.

use super::{article_not_found, edit};
use crate::cache::AppCache;
use crate::db::audit_log::AuditEntry;
use crate::db::{self, Database, articles::ArticleRecord};
use crate::domain::Slug;
use crate::error::ApiError;

/// Unpublishes the article, audited, and returns it. 404 for an unknown slug.
pub async fn unpublish_article(
    db: &Database,
    cache: &AppCache,
    audit: AuditEntry,
    slug: Slug,
) -> Result<ArticleRecord, ApiError> {
    edit(db, cache, audit, move |conn, now| {
        db::articles::unpublish(conn, slug.as_str(), now)?;
        db::articles::find_by_slug(conn, slug.as_str())?.ok_or_else(article_not_found)
    })
    .await
}
