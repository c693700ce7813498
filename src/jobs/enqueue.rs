//! Queuing a job: callable inside any diesel transaction, so the job
//! commits or rolls back with the change that causes it.

use super::JobKind;
use crate::db::{self, DbConnection};
use crate::domain::JobId;
use chrono::NaiveDateTime;
use diesel::QueryResult;
use serde::Serialize;

/// Queues a `kind` job with `payload` (as JSON), due at `run_at`. With a
/// `dedupe_key`, at most one job ever carries it: a second call returns
/// `None` (the effect is queued already). Call it on the connection of the
/// transaction making the change; the instance's workers pick it up after
/// commit (call [`super::Queue::wake`] then, to run it without waiting for
/// the next poll).
pub fn enqueue<P: Serialize>(
    conn: &mut DbConnection,
    kind: JobKind,
    payload: &P,
    run_at: NaiveDateTime,
    dedupe_key: Option<&str>,
) -> QueryResult<Option<JobId>> {
    let payload = serde_json::to_string(payload)
        .map_err(|error| diesel::result::Error::SerializationError(Box::new(error)))?;
    let id = JobId::generate();
    let inserted = db::jobs::insert(
        conn,
        &db::jobs::NewJob {
            id: id.as_str(),
            kind: kind.as_str(),
            payload: &payload,
            state: super::JobState::Pending,
            run_at,
            dedupe_key,
            created_at: chrono::Utc::now().naive_utc(),
        },
    )?;
    Ok(inserted.then_some(id))
}
