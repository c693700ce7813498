//! The follow-ups on the durable job queue: a `run_provider_follow_ups`
//! job is queued in the transaction that queues (or reschedules) a
//! follow-up, so the call to Stripe happens exactly when the event that
//! caused it committed, after the webhook's answer, on whichever instance
//! claims the job. The job runs every due follow-up; each follow-up's own
//! claim keeps two runners from calling Stripe twice for it.

use super::run::run_due;
use crate::billing::Provider;
use crate::db::jobs::JobRow;
use crate::db::{Database, DbConnection};
use crate::jobs::{HandlerFuture, JobHandler, JobKind, JobSuccess, enqueue};
use chrono::NaiveDateTime;

/// Queues the run of follow-up `id`'s attempt number `attempt` (0: the
/// first) at `at`, once: the dedupe key names both, so a replayed event
/// queues nothing more.
pub(super) fn queue_run(
    conn: &mut DbConnection,
    id: &str,
    attempt: i32,
    at: NaiveDateTime,
) -> diesel::QueryResult<()> {
    let key = format!("follow_up:{id}:{attempt}");
    let payload = serde_json::json!({ "follow_up": id, "attempt": attempt });
    enqueue(conn, JobKind::RunFollowUps, &payload, at, Some(&key)).map(drop)
}

/// The handler of `run_provider_follow_ups` jobs.
pub struct RunFollowUps {
    db: Database,
    provider: Provider,
}

impl RunFollowUps {
    /// Runs follow-ups over `db` against `provider`.
    pub fn new(db: &Database, provider: &Provider) -> Self {
        Self {
            db: db.clone(),
            provider: provider.clone(),
        }
    }
}

impl JobHandler for RunFollowUps {
    fn run<'a>(&'a self, _job: &'a JobRow) -> HandlerFuture<'a> {
        Box::pin(async move {
            // Failures are the follow-ups' own (recorded on their rows and
            // retried by a job queued for their next attempt), so the job
            // itself is done once the pass ran.
            run_due(&self.db, &self.provider).await;
            Ok(JobSuccess::default())
        })
    }
}
