//! The handlers' registry: one [`JobHandler`] per [`JobKind`]. Another
//! kind of work is a new variant, a handler, and one `register` call in
//! [`Handlers::standard`].

use super::JobKind;
use crate::db::jobs::JobRow;
use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

/// What a successful run leaves on the job's row.
#[derive(Debug, Default)]
pub struct JobSuccess {
    /// What the provider called the effect (an email's `Message-ID`).
    pub provider_message_id: Option<String>,
    /// The payload to keep instead of the original (an email's body holds
    /// a live link, which need not outlive its sending).
    pub payload_after: Option<String>,
}

/// Why a run did not succeed.
#[derive(Debug)]
pub enum JobError {
    /// Worth trying again later (a server down or slow).
    Retry(String),
    /// Trying again cannot help (an unreadable payload): dead at once.
    Permanent(String),
}

impl std::fmt::Display for JobError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Retry(detail) | Self::Permanent(detail) => f.write_str(detail),
        }
    }
}

/// A boxed future a handler returns (the registry holds handlers of
/// different types behind one trait object).
pub type HandlerFuture<'a> =
    Pin<Box<dyn Future<Output = Result<JobSuccess, JobError>> + Send + 'a>>;

/// Runs jobs of one kind. A handler may run more than once for one job (a
/// worker killed after the effect, before settling): it makes the effect
/// happen once in effect, keyed by the job's id.
pub trait JobHandler: Send + Sync {
    /// Runs `job` once.
    fn run<'a>(&'a self, job: &'a JobRow) -> HandlerFuture<'a>;

    /// How long one run may take, when that is longer than a claim's lease
    /// allows (a narration runs a speech engine for minutes): the worker
    /// then extends the claim's lease to cover it before running, so no
    /// other worker takes the job over meanwhile. `None`: the lease's own
    /// limit (`MASTHEAD_JOB_LEASE_SECONDS`).
    fn time_limit(&self) -> Option<std::time::Duration> {
        None
    }
}

/// The handler of each kind.
#[derive(Clone, Default)]
pub struct Handlers(HashMap<JobKind, Arc<dyn JobHandler>>);

impl Handlers {
    /// Registers `handler` for `kind` (replacing an earlier one: tests
    /// swap in their own).
    #[must_use]
    pub fn register(mut self, kind: JobKind, handler: impl JobHandler + 'static) -> Self {
        self.0.insert(kind, Arc::new(handler));
        self
    }

    /// The handler of `kind`, if one is registered.
    pub fn get(&self, kind: JobKind) -> Option<Arc<dyn JobHandler>> {
        self.0.get(&kind).cloned()
    }

    /// Every built-in kind's handler.
    ///
    /// `run_follow_ups` is billing's handler of [`JobKind::RunFollowUps`],
    /// `narrate_article` the catalogue's of [`JobKind::NarrateArticle`],
    /// `lifecycle` billing's of every kind in
    /// [`super::housekeeping::LIFECYCLE_SWEEPS`] (it reads the job's kind)
    /// `announce_perk` billing's of [`JobKind::AnnouncePerk`] and
    /// `deliver_gift` billing's of [`JobKind::DeliverGift`],
    /// passed in by the composition root so the queue does not depend on
    /// the use cases it runs.
    pub fn standard(
        db: &crate::db::Database,
        mailer: Arc<crate::mail::Mailer>,
        run_follow_ups: impl JobHandler + 'static,
        narrate_article: impl JobHandler + 'static,
        lifecycle: impl JobHandler + 'static,
        announce_perk: impl JobHandler + 'static,
        deliver_gift: impl JobHandler + 'static,
    ) -> Self {
        use super::housekeeping::{LIFECYCLE_SWEEPS, Sweep};
        let lifecycle: Arc<dyn JobHandler> = Arc::new(lifecycle);
        let mut handlers = Self::default();
        for kind in LIFECYCLE_SWEEPS {
            handlers.0.insert(kind, Arc::clone(&lifecycle));
        }
        handlers
            .register(JobKind::RunFollowUps, run_follow_ups)
            .register(JobKind::NarrateArticle, narrate_article)
            .register(JobKind::AnnouncePerk, announce_perk)
            .register(JobKind::DeliverGift, deliver_gift)
            .register(JobKind::SendEmail, super::email::SendEmail(mailer))
            .register(
                JobKind::ExpireCheckouts,
                Sweep::new(db, JobKind::ExpireCheckouts),
            )
            .register(
                JobKind::PruneAccountTokens,
                Sweep::new(db, JobKind::PruneAccountTokens),
            )
            .register(
                JobKind::PruneSessions,
                Sweep::new(db, JobKind::PruneSessions),
            )
            .register(JobKind::PruneJobs, Sweep::new(db, JobKind::PruneJobs))
            .register(JobKind::PruneMeters, Sweep::new(db, JobKind::PruneMeters))
    }

    /// The kinds without a handler (none, for a complete registry).
    pub fn missing(&self) -> Vec<JobKind> {
        JobKind::ALL
            .iter()
            .copied()
            .filter(|kind| !self.0.contains_key(kind))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    /// Stands in for billing's follow-up, lifecycle and perk-announcement
    /// handlers and the catalogue's narration, which the composition root
    /// passes in.
    struct Nothing;

    impl super::JobHandler for Nothing {
        fn run<'a>(&'a self, _job: &'a crate::db::jobs::JobRow) -> super::HandlerFuture<'a> {
            Box::pin(async { Ok(super::JobSuccess::default()) })
        }
    }

    #[test]
    fn every_kind_has_a_standard_handler() {
        let settings = crate::settings::Settings::default();
        let dir = tempfile::tempdir().unwrap();
        let settings = crate::settings::Settings {
            data_dir: dir.path().to_path_buf(),
            ..settings
        };
        let db = crate::db::Database::connect(
            &format!("{}/h.db", dir.path().display()),
            1,
            std::time::Duration::from_secs(1),
        )
        .unwrap();
        let mailer = std::sync::Arc::new(crate::mail::Mailer::from_settings(&settings).unwrap());
        let handlers =
            super::Handlers::standard(&db, mailer, Nothing, Nothing, Nothing, Nothing, Nothing);
        assert!(handlers.missing().is_empty());
    }
}
