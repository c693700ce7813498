//! The workers: each instance runs one dispatcher that keeps up to
//! `MASTHEAD_JOB_WORKERS` due jobs running side by side, settles each, and
//! claims again as slots free up; when nothing is due it waits for a wake
//! (a job this instance enqueued) or the next poll (jobs other instances
//! enqueued, retries coming due, abandoned claims). A second task runs the
//! scheduler.

use super::backoff;
use super::handler::{Handlers, JobError, JobSuccess};
use super::lease::Lease;
use crate::db::{self, Database, jobs::JobRow};
use crate::metrics::Metrics;
use crate::settings::Settings;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Notify;

/// This instance's handle on its workers.
#[derive(Clone)]
pub struct Queue {
    wake: Arc<Notify>,
}

impl Queue {
    /// Tells the workers a job was just committed, so it runs now rather
    /// than at the next poll. Call after the transaction commits.
    pub fn wake(&self) {
        self.wake.notify_one();
    }
}

/// How the workers run, from the settings.
#[derive(Clone, Copy)]
struct Tuning {
    lease: Lease,
    batch: i64,
    poll: Duration,
    max_attempts: i32,
    housekeeping_minutes: i64,
}

/// Starts this instance's dispatcher and scheduler (from
/// `Application::build`) and returns the handle that wakes them.
pub fn start(
    db: &Database,
    settings: &Settings,
    handlers: Handlers,
    metrics: Arc<Metrics>,
) -> Queue {
    metrics
        .jobs
        .declare_kinds(super::JobKind::ALL.iter().map(|kind| kind.as_str()));
    let queue = Queue {
        wake: Arc::new(Notify::new()),
    };
    let tuning = Tuning {
        lease: Lease::seconds(settings.job_lease_seconds),
        batch: i64::try_from(settings.job_workers.max(1)).unwrap_or(1),
        poll: Duration::from_millis(settings.job_poll_milliseconds.max(10)),
        max_attempts: settings.job_max_attempts.max(1),
        housekeeping_minutes: settings.housekeeping_minutes.max(1),
    };
    tokio::spawn(dispatch(
        db.clone(),
        handlers,
        metrics,
        queue.clone(),
        tuning,
    ));
    tokio::spawn(schedule(db.clone(), queue.clone(), tuning));
    queue
}

async fn schedule(db: Database, queue: Queue, tuning: Tuning) {
    // Ticking every minute starts a new period's sweeps within a minute of
    // its start, whichever instance is up; the first tick is at start.
    let mut ticks = tokio::time::interval(Duration::from_secs(60));
    loop {
        ticks.tick().await;
        match super::scheduler::enqueue_period(
            &db,
            &super::housekeeping::SWEEPS,
            tuning.housekeeping_minutes,
        )
        .await
        {
            Ok(0) => {}
            Ok(_) => queue.wake(),
            Err(error) => {
                tracing::warn!(%error, "cannot enqueue the housekeeping sweeps; trying again later");
            }
        }
    }
}

/// Keeps up to `MASTHEAD_JOB_WORKERS` jobs running: claims as many due
/// jobs as there are free slots, and claims again as soon as a slot frees
/// up, so one long job (a narration of several minutes) holds one slot,
/// never the queue behind it. Jobs that finished meanwhile are collected
/// together before the next claim, so a burst of short jobs is claimed a
/// few at a time rather than one claim each.
async fn dispatch(
    db: Database,
    handlers: Handlers,
    metrics: Arc<Metrics>,
    queue: Queue,
    tuning: Tuning,
) {
    let workers = usize::try_from(tuning.batch).unwrap_or(1).max(1);
    let mut running = tokio::task::JoinSet::new();
    loop {
        while running.try_join_next().is_some() {}
        let free = workers - running.len();
        let claimed = if free == 0 {
            Vec::new()
        } else {
            let wanted = i64::try_from(free).unwrap_or(1);
            super::claim::due(&db, tuning.lease, wanted)
                .await
                .unwrap_or_else(|error| {
                    tracing::warn!(%error, "cannot claim jobs; trying again later");
                    Vec::new()
                })
        };
        // Fewer than asked for: nothing else is due now.
        let drained = claimed.len() < free;
        for job in claimed {
            let (db, handlers, metrics) = (db.clone(), handlers.clone(), metrics.clone());
            running.spawn(async move {
                let outcome = run_one(&db, &handlers, &job, tuning.lease).await;
                settle(&db, &metrics, &job, outcome, tuning.max_attempts).await;
            });
        }
        if !drained {
            // Every slot is busy: wait for one to free up.
            let _ = running.join_next().await;
            continue;
        }
        if running.is_empty()
            && let Err(error) = super::metrics::sample(&db, &metrics.jobs).await
        {
            tracing::debug!(%error, "cannot sample the job queue");
        }
        // Wait for a slot's job to finish (a retry may be due), a job
        // committed here, or the poll (other instances' jobs, retries).
        tokio::select! {
            _ = running.join_next(), if !running.is_empty() => {}
            () = queue.wake.notified() => {}
            () = tokio::time::sleep(tuning.poll) => {}
        }
    }
}

async fn run_one(
    db: &Database,
    handlers: &Handlers,
    job: &JobRow,
    lease: Lease,
) -> Result<JobSuccess, JobError> {
    let Some(handler) = super::JobKind::parse(&job.kind).and_then(|kind| handlers.get(kind)) else {
        return Err(JobError::Retry(format!(
            "no handler for job kind {} in this release",
            job.kind
        )));
    };
    let limit = match handler.time_limit() {
        Some(longer) if longer > lease.run_limit() => {
            extend_claim(db, job, Lease::covering(longer)).await?;
            longer
        }
        _ => lease.run_limit(),
    };
    match tokio::time::timeout(limit, handler.run(job)).await {
        Ok(outcome) => outcome,
        Err(_) => Err(JobError::Retry(format!(
            "the job ran past {} s and was stopped",
            limit.as_secs()
        ))),
    }
}

/// Extends `job`'s claim to `lease` from now, before a run longer than
/// the claim's own lease.
async fn extend_claim(db: &Database, job: &JobRow, lease: Lease) -> Result<(), JobError> {
    let (id, attempt) = (job.id.clone(), job.attempts);
    let extended = db
        .run(move |conn| {
            let now = chrono::Utc::now().naive_utc();
            Ok(db::jobs::extend_lease(
                conn,
                &id,
                attempt,
                lease.until(now),
            )?)
        })
        .await
        .map_err(|error| JobError::Retry(format!("cannot extend the job's lease: {error}")))?;
    if extended {
        Ok(())
    } else {
        Err(JobError::Retry(
            "the job's claim was lost before it ran".to_owned(),
        ))
    }
}

async fn settle(
    db: &Database,
    metrics: &Metrics,
    job: &JobRow,
    outcome: Result<JobSuccess, JobError>,
    max_attempts: i32,
) {
    let (id, attempt, kind) = (job.id.clone(), job.attempts, job.kind.clone());
    let result = db
        .run(move |conn| {
            let now = chrono::Utc::now().naive_utc();
            let (settled, label) = match outcome {
                Ok(success) => (
                    db::jobs::complete(
                        conn,
                        &id,
                        attempt,
                        success.provider_message_id.as_deref(),
                        success.payload_after.as_deref(),
                        now,
                    )?,
                    super::JobState::Done.as_str(),
                ),
                Err(JobError::Retry(error)) if backoff::retries(attempt, max_attempts) => {
                    tracing::warn!(job = %id, %kind, attempt, %error, "job failed; retried later");
                    let at = now + backoff::after(attempt);
                    (db::jobs::fail(conn, &id, attempt, &error, Some(at), now)?, "retried")
                }
                Err(error) => {
                    tracing::error!(job = %id, %kind, attempt, %error, "job given up: dead, for staff to retry");
                    (
                        db::jobs::fail(conn, &id, attempt, &error.to_string(), None, now)?,
                        super::JobState::Dead.as_str(),
                    )
                }
            };
            Ok((settled, label))
        })
        .await;
    match result {
        Ok((true, outcome)) => super::metrics::count(&metrics.jobs, &job.kind, outcome),
        Ok((false, _)) => {
            tracing::warn!(job = %job.id, "a job's claim was lost before it was settled (its lease ran out)");
        }
        Err(error) => {
            tracing::warn!(%error, job = %job.id, "cannot settle a job; its lease runs out and it runs again");
        }
    }
}
