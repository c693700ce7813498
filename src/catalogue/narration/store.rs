//! Putting narrated audio on its article, like an upload: the checked file
//! is moved into the media folder, recorded and pointed at in one write
//! transaction (the narration it replaces deleted in it too), and the old
//! file removed once that commits. The pointing is conditional: while the
//! engine ran, an editor may have uploaded a recording, edited the text or
//! unpublished the article, and then the narration is dropped (its file
//! with it) rather than put over their change.

use super::error::NarrationError;
use crate::cache::AppCache;
use crate::db::{self, Database, PoolError, RunError};
use crate::domain::{AudioDuration, AudioSource};
use crate::media::{self, ReceivedFile};
use chrono::NaiveDateTime;
use std::path::Path;

/// What became of narrated audio.
#[derive(Debug, PartialEq, Eq)]
pub enum Placed {
    /// The article now has it, as `narrated`.
    OnTheArticle,
    /// The article changed while it was narrated (edited, recorded,
    /// unpublished); the narration was dropped.
    ArticleChanged,
}

/// Why the transaction did not point the article at the audio.
#[derive(Debug, thiserror::Error)]
enum Refused {
    #[error("the article changed while it was narrated")]
    ArticleChanged,
    #[error(transparent)]
    Database(#[from] diesel::result::Error),
    #[error(transparent)]
    Pool(#[from] PoolError),
}

impl RunError for Refused {
    fn may_come_from_the_connection(&self) -> bool {
        !matches!(self, Self::ArticleChanged)
    }
}

/// The narrated article and the version of it that was read aloud.
#[derive(Debug, Clone)]
pub struct Narrated {
    /// The article's id.
    pub article_id: String,
    /// Its `updated_at` when its text was read.
    pub version: NaiveDateTime,
    /// How long the audio runs.
    pub duration: AudioDuration,
}

/// Stores `file` and makes it the audio of `narrated.article_id`.
pub async fn place(
    db: &Database,
    cache: &AppCache,
    media_dir: &Path,
    narrated: Narrated,
    file: ReceivedFile,
) -> Result<Placed, NarrationError> {
    let stored = file
        .persist(media_dir)
        .map_err(|error| NarrationError::Storing(error.to_string()))?;
    let record = stored.record.clone();
    let placed = db
        .run_with(move |conn| {
            db::write_transaction(conn, |conn| {
                let current = db::articles::find_by_id(conn, &narrated.article_id)?
                    .filter(|article| {
                        article.published_at.is_some()
                            && article.updated_at == narrated.version
                            && AudioSource::narration_may_replace(article.audio_source)
                    })
                    .ok_or(Refused::ArticleChanged)?;
                let now = chrono::Utc::now().naive_utc();
                db::media::insert(conn, &record.as_new_row(now))?;
                let pointed = db::articles::set_narrated_audio(
                    conn,
                    &narrated.article_id,
                    &record.id,
                    narrated.duration.get(),
                    narrated.version,
                )?;
                if !pointed {
                    return Err(Refused::ArticleChanged);
                }
                match current.audio_media_id {
                    Some(old) => Ok(db::media::delete(conn, &old)?),
                    None => Ok(None),
                }
            })
        })
        .await;
    match placed {
        Ok(replaced) => {
            stored.keep();
            if let Some(old) = replaced {
                media::remove_replaced(media_dir, old).await;
            }
            cache.catalogue_changed();
            Ok(Placed::OnTheArticle)
        }
        Err(Refused::ArticleChanged) => Ok(Placed::ArticleChanged),
        Err(error) => Err(NarrationError::Storing(error.to_string())),
    }
}
