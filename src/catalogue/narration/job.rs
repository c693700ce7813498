//! The `narrate_article` handler: reads the article as it is now (nothing
//! to do once it is unpublished or has a recording), has the engine read
//! it, and stores the MP3 as the article's `narrated` audio. Running twice
//! (a worker killed after storing, before settling) replaces the first
//! narration with a second of the same text: one file, one audio.

use super::NarrationRequest;
use super::engine::narrate;
use super::narrator::Narrator;
use super::script::script;
use super::store::{Narrated, Placed, place};
use crate::cache::AppCache;
use crate::db::{self, Database, jobs::JobRow};
use crate::domain::{AudioDuration, AudioSource};
use crate::error::ApiError;
use crate::jobs::{HandlerFuture, JobError, JobHandler, JobSuccess};
use crate::media::{self, MediaFormat, MediaKind, UploadRules};
use crate::settings::Settings;
use std::path::PathBuf;
use std::time::Duration;

/// Time for what follows the narration (storing the file, the database).
const STORING_TIME: Duration = Duration::from_secs(60);

/// The handler of `narrate_article` jobs.
pub struct NarrateArticle {
    db: Database,
    cache: AppCache,
    narrator: Narrator,
    media_dir: PathBuf,
    max_audio_bytes: u64,
}

impl NarrateArticle {
    /// Narrates with `narrator` into the media folder of `settings`,
    /// telling `cache` when an article's audio changed.
    pub fn new(db: &Database, cache: &AppCache, narrator: &Narrator, settings: &Settings) -> Self {
        Self {
            db: db.clone(),
            cache: cache.clone(),
            narrator: narrator.clone(),
            media_dir: settings.media_dir(),
            max_audio_bytes: settings.max_audio_bytes,
        }
    }

    async fn narrate(&self, job: &JobRow) -> Result<JobSuccess, JobError> {
        let Narrator::Command(command) = &self.narrator else {
            return Err(JobError::Permanent(
                "no narrator is configured (MASTHEAD_NARRATOR=none); retry once one is".to_owned(),
            ));
        };
        let request: NarrationRequest = serde_json::from_str(&job.payload).map_err(|error| {
            JobError::Permanent(format!("unreadable narration request: {error}"))
        })?;
        let id = request.article.clone();
        let article = self
            .db
            .run(move |conn| Ok(db::articles::find_by_id(conn, &id)?))
            .await
            .map_err(|error| JobError::Retry(error.to_string()))?
            .filter(|article| {
                article.published_at.is_some()
                    && AudioSource::narration_may_replace(article.audio_source)
            });
        let Some(article) = article else {
            tracing::info!(
                article = request.article,
                "nothing to narrate: unpublished, or recorded"
            );
            return Ok(JobSuccess::default());
        };
        let text = script(&article.title, &article.dek, &article.body);
        let encoded = narrate(command, text, self.max_audio_bytes).await?;
        let duration = i64::try_from(encoded.seconds)
            .ok()
            .and_then(|seconds| AudioDuration::parse(seconds).ok())
            .ok_or_else(|| {
                JobError::Permanent(format!(
                    "the narration lasts {} s, past what an article's audio may",
                    encoded.seconds
                ))
            })?;
        let rules = UploadRules {
            kind: MediaKind::Audio,
            max_bytes: self.max_audio_bytes,
        };
        let file = media::receive_produced(&self.media_dir, rules, MediaFormat::Mp3, encoded.mp3)
            .await
            .map_err(refused_file)?;
        let narrated = Narrated {
            article_id: article.id,
            version: article.updated_at,
            duration,
        };
        match place(&self.db, &self.cache, &self.media_dir, narrated, file).await? {
            Placed::OnTheArticle => Ok(JobSuccess::default()),
            // Looked at afresh: a recording or an unpublish ends it there,
            // an edit is narrated.
            Placed::ArticleChanged => Err(JobError::Retry(
                "the article changed while it was narrated; it is looked at again".to_owned(),
            )),
        }
    }
}

/// The format check or the size limit refusing the encoded file cannot
/// change on a retry; a failing disk might.
fn refused_file(error: ApiError) -> JobError {
    match error {
        ApiError::PayloadTooLarge { .. } | ApiError::UnsupportedMediaType { .. } => {
            JobError::Permanent(format!("the encoded narration was refused: {error}"))
        }
        other => JobError::Retry(format!("cannot store the narration: {other}")),
    }
}

impl JobHandler for NarrateArticle {
    fn run<'a>(&'a self, job: &'a JobRow) -> HandlerFuture<'a> {
        Box::pin(self.narrate(job))
    }

    fn time_limit(&self) -> Option<Duration> {
        match &self.narrator {
            Narrator::Command(command) => Some(command.timeout + STORING_TIME),
            Narrator::None => None,
        }
    }
}
