//! Audio for every article. Publishing an article that has no recording
//! queues a `narrate_article` job in the publishing transaction
//! ([`NarrationQueue::queue`]), once per version of the article: the dedupe
//! key names the article and its `updated_at`, so publishing twice narrates
//! once, and republishing after an edit narrates the new text. The job
//! ([`NarrateArticle`]) reads the headline, standfirst and body
//! ([`script`]) to the configured speech engine ([`narrator`], [`engine`]),
//! encodes its WAV to MP3 ([`encoder`]), stores the file like an upload
//! (the same size limit and format check) and points the article at it as
//! `narrated` ([`store`]), unless a recording or an edit got there first.
//! With `MASTHEAD_NARRATOR=none` nothing is queued; the staff list the
//! published articles without audio instead.

pub mod encoder;
pub mod engine;
pub mod error;
pub mod job;
pub mod narrator;
pub mod script;
pub mod store;

pub use error::NarrationError;
pub use job::NarrateArticle;
pub use narrator::{Narrator, NarratorCommand};

use crate::db::{DbConnection, articles::ArticleRow};
use crate::domain::AudioSource;
use crate::jobs::{JobKind, Queue, enqueue};
use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};

/// What a `narrate_article` job carries.
#[derive(Debug, Serialize, Deserialize)]
pub struct NarrationRequest {
    /// The article's id.
    pub article: String,
    /// Its `updated_at` when it was published (the version the key names).
    pub version: NaiveDateTime,
}

/// What publishing needs to queue narrations: whether a narrator is
/// configured, and the workers to wake once the queuing commit is done.
#[derive(Clone)]
pub struct NarrationQueue {
    jobs: Option<Queue>,
}

impl NarrationQueue {
    /// Queues onto `jobs` when `narrator` is configured; otherwise never.
    pub fn new(narrator: &Narrator, jobs: &Queue) -> Self {
        Self {
            jobs: narrator.is_on().then(|| jobs.clone()),
        }
    }

    /// Queues the narration of `article` inside the caller's transaction,
    /// unless no narrator is configured or the article has a recording.
    /// Returns whether a job was queued (not when this version was
    /// queued already).
    pub fn queue(
        &self,
        conn: &mut DbConnection,
        article: &ArticleRow,
    ) -> diesel::QueryResult<bool> {
        if self.jobs.is_none() || !AudioSource::narration_may_replace(article.audio_source) {
            return Ok(false);
        }
        let request = NarrationRequest {
            article: article.id.clone(),
            version: article.updated_at,
        };
        let key = dedupe_key(&article.id, article.updated_at);
        let now = chrono::Utc::now().naive_utc();
        Ok(enqueue(conn, JobKind::NarrateArticle, &request, now, Some(&key))?.is_some())
    }

    /// Wakes the workers: call after the transaction that queued commits.
    pub fn wake(&self) {
        if let Some(jobs) = &self.jobs {
            jobs.wake();
        }
    }
}

/// The dedupe key of the narration of `article_id` at `version`.
pub fn dedupe_key(article_id: &str, version: NaiveDateTime) -> String {
    format!(
        "narrate_article:{article_id}:{}",
        version.and_utc().timestamp_micros()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_key_per_article_and_version() {
        let at = |s: &str| NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S%.f").unwrap();
        let first = dedupe_key("a1", at("2026-12-01 10:00:00.000001"));
        assert_eq!(first, "narrate_article:a1:1796119200000001");
        assert_ne!(first, dedupe_key("a1", at("2026-12-01 10:00:00.000002")));
        assert_ne!(first, dedupe_key("a2", at("2026-12-01 10:00:00.000001")));
    }
}
