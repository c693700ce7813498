//! An editor uploads an article's audio, replacing any earlier audio
//! (narrated audio included: a recording always wins): the file is stored,
//! the article pointed at it as `recorded` and the old file's row deleted
//! in one transaction; the old file itself goes once that commits.

use super::{article_not_found, edit};
use crate::cache::AppCache;
use crate::db::audit_log::AuditEntry;
use crate::db::{self, Database, articles::ArticleRecord};
use crate::domain::{AudioDuration, Slug};
use crate::error::ApiError;
use crate::media::{self, ReceivedFile};
use std::future::Future;
use std::path::Path;

/// Stores the audio `receive` reads and returns the article with it.
/// `receive` (reading the request body and the duration sent with it) is
/// only awaited once the article is known to exist, so a request for an
/// unknown slug is refused (404) before a byte of its body is read.
pub async fn upload_audio(
    db: &Database,
    cache: &AppCache,
    media_dir: &Path,
    audit: AuditEntry,
    slug: Slug,
    receive: impl Future<Output = Result<(ReceivedFile, AudioDuration), ApiError>>,
) -> Result<ArticleRecord, ApiError> {
    let known = slug.clone();
    let known = db
        .run(move |conn| Ok(db::articles::id_by_slug(conn, known.as_str())?))
        .await?;
    if known.is_none() {
        return Err(article_not_found());
    }
    let (file, duration) = receive.await?;
    let stored = file.persist(media_dir)?;
    let record = stored.record.clone();
    let (article, replaced) = edit(db, cache, audit, move |conn, now| {
        let current =
            db::articles::find_by_slug(conn, slug.as_str())?.ok_or_else(article_not_found)?;
        db::media::insert(conn, &record.as_new_row(now))?;
        db::articles::set_recorded_audio(
            conn,
            &current.article.id,
            &record.id,
            duration.get(),
            now,
        )?;
        let replaced = match current.article.audio_media_id {
            Some(old) => db::media::delete(conn, &old)?,
            None => None,
        };
        let article =
            db::articles::find_by_slug(conn, slug.as_str())?.ok_or_else(article_not_found)?;
        Ok((article, replaced))
    })
    .await?;
    stored.keep();
    if let Some(old) = replaced {
        media::remove_replaced(media_dir, old).await;
    }
    Ok(article)
}
