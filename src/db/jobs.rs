//! The `jobs` aggregate: the durable queue's rows. A job is inserted in
//! the transaction of the change that causes it, claimed by a worker for a
//! lease (`FOR UPDATE SKIP LOCKED` on PostgreSQL, so instances never wait
//! on each other's claims; SQLite has one writer, whose `BEGIN IMMEDIATE`
//! serialises claims), then settled: done, pending again with a later
//! `run_at`, or dead. Settling is fenced by the attempt number the claim
//! gave, so a worker whose lease ran out cannot settle a job that another
//! worker has since claimed.

use super::schema::jobs;
use super::{DbConnection, write_transaction};
use crate::domain::JobState;
use chrono::NaiveDateTime;
use diesel::prelude::*;

/// A job as stored.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = jobs)]
pub struct JobRow {
    pub id: String,
    pub kind: String,
    pub payload: String,
    pub state: JobState,
    pub attempts: i32,
    pub run_at: NaiveDateTime,
    pub lease_until: Option<NaiveDateTime>,
    pub dedupe_key: Option<String>,
    pub last_error: Option<String>,
    pub provider_message_id: Option<String>,
    pub created_at: NaiveDateTime,
    pub finished_at: Option<NaiveDateTime>,
}

/// A job to insert.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = jobs)]
pub struct NewJob<'a> {
    pub id: &'a str,
    pub kind: &'a str,
    pub payload: &'a str,
    pub state: JobState,
    pub run_at: NaiveDateTime,
    pub dedupe_key: Option<&'a str>,
    pub created_at: NaiveDateTime,
}

/// Inserts a job; `false` when its dedupe key is taken (the effect is
/// queued already). Inside a caller's transaction on PostgreSQL a unique
/// violation would abort that transaction, so the key is looked up first,
/// and a keyed insert runs in a savepoint: the constraint still decides
/// between two racing inserts, and the loser's transaction goes on.
pub fn insert(conn: &mut DbConnection, job: &NewJob<'_>) -> QueryResult<bool> {
    let insert =
        |conn: &mut DbConnection| diesel::insert_into(jobs::table).values(job).execute(conn);
    let Some(key) = job.dedupe_key else {
        return insert(conn).map(|inserted| inserted == 1);
    };
    let taken = jobs::table
        .filter(jobs::dedupe_key.eq(key))
        .select(jobs::id)
        .first::<String>(conn)
        .optional()?
        .is_some();
    if taken {
        return Ok(false);
    }
    super::unique::insert_unless_taken(conn, insert)
}

/// One job by id.
pub fn find(conn: &mut DbConnection, id: &str) -> QueryResult<Option<JobRow>> {
    jobs::table
        .find(id)
        .select(JobRow::as_select())
        .first(conn)
        .optional()
}

/// Claims up to `limit` jobs due at `now` (pending and due, or running
/// with a lapsed lease: their worker died) until `lease_until`, counting
/// the attempt. Returns them as claimed.
pub fn claim_due(
    conn: &mut DbConnection,
    now: NaiveDateTime,
    lease_until: NaiveDateTime,
    limit: i64,
) -> QueryResult<Vec<JobRow>> {
    write_transaction(conn, |conn| {
        // Two index range reads rather than one `OR`: the planners answer
        // an `OR` of the two states by gathering every due job and
        // sorting it, which grows with the backlog; each half reads only
        // the rows it returns from `jobs_due (state, run_at, id)`. Lapsed
        // claims first: they have waited longest.
        let lapsed = jobs::table
            .filter(jobs::state.eq(JobState::Running))
            .filter(jobs::lease_until.lt(now))
            .order((jobs::run_at.asc(), jobs::id.asc()))
            .limit(limit)
            .select(jobs::id);
        let mut ids: Vec<String> = match conn {
            DbConnection::Postgres(pg) => lapsed.for_update().skip_locked().load(pg)?,
            DbConnection::Sqlite(sqlite) => lapsed.load(sqlite)?,
        };
        let room = limit - i64::try_from(ids.len()).unwrap_or(limit);
        if room > 0 {
            let pending = jobs::table
                .filter(jobs::state.eq(JobState::Pending))
                .filter(jobs::run_at.le(now))
                .order((jobs::run_at.asc(), jobs::id.asc()))
                .limit(room)
                .select(jobs::id);
            ids.extend(match conn {
                DbConnection::Postgres(pg) => pending.for_update().skip_locked().load(pg)?,
                DbConnection::Sqlite(sqlite) => pending.load(sqlite)?,
            });
        }
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        diesel::update(jobs::table.filter(jobs::id.eq_any(&ids)))
            .set((
                jobs::state.eq(JobState::Running),
                jobs::attempts.eq(jobs::attempts + 1),
                jobs::lease_until.eq(Some(lease_until)),
            ))
            .execute(conn)?;
        jobs::table
            .filter(jobs::id.eq_any(&ids))
            .order((jobs::run_at.asc(), jobs::id.asc()))
            .select(JobRow::as_select())
            .load(conn)
    })
}

/// Marks a claimed job done, keeping the provider's message id and
/// replacing the payload by `payload_after` (an email's body holds a live
/// link, which the database need not keep once sent). `false` when the
/// claim was lost (the lease ran out and another worker took the job).
pub fn complete(
    conn: &mut DbConnection,
    id: &str,
    attempt: i32,
    provider_message_id: Option<&str>,
    payload_after: Option<&str>,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    let claimed = jobs::table
        .filter(jobs::id.eq(id))
        .filter(jobs::state.eq(JobState::Running))
        .filter(jobs::attempts.eq(attempt));
    let done = (
        jobs::state.eq(JobState::Done),
        jobs::lease_until.eq(None::<NaiveDateTime>),
        jobs::provider_message_id.eq(provider_message_id),
        jobs::finished_at.eq(Some(now)),
    );
    let updated = match payload_after {
        Some(payload) => diesel::update(claimed)
            .set((done, jobs::payload.eq(payload)))
            .execute(conn)?,
        None => diesel::update(claimed).set(done).execute(conn)?,
    };
    Ok(updated == 1)
}

/// Extends claim number `attempt` of a running job to `lease_until` (a
/// job that runs longer than a lease). `false` when the claim was lost.
pub fn extend_lease(
    conn: &mut DbConnection,
    id: &str,
    attempt: i32,
    lease_until: NaiveDateTime,
) -> QueryResult<bool> {
    diesel::update(
        jobs::table
            .filter(jobs::id.eq(id))
            .filter(jobs::state.eq(JobState::Running))
            .filter(jobs::attempts.eq(attempt)),
    )
    .set(jobs::lease_until.eq(Some(lease_until)))
    .execute(conn)
    .map(|updated| updated == 1)
}

/// Records a failed attempt: pending again at `retry_at`, or dead when
/// `retry_at` is `None`. `false` when the claim was lost.
pub fn fail(
    conn: &mut DbConnection,
    id: &str,
    attempt: i32,
    error: &str,
    retry_at: Option<NaiveDateTime>,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    let claimed = jobs::table
        .filter(jobs::id.eq(id))
        .filter(jobs::state.eq(JobState::Running))
        .filter(jobs::attempts.eq(attempt));
    let updated = match retry_at {
        Some(at) => diesel::update(claimed)
            .set((
                jobs::state.eq(JobState::Pending),
                jobs::run_at.eq(at),
                jobs::lease_until.eq(None::<NaiveDateTime>),
                jobs::last_error.eq(Some(error)),
            ))
            .execute(conn)?,
        None => diesel::update(claimed)
            .set((
                jobs::state.eq(JobState::Dead),
                jobs::lease_until.eq(None::<NaiveDateTime>),
                jobs::last_error.eq(Some(error)),
                jobs::finished_at.eq(Some(now)),
            ))
            .execute(conn)?,
    };
    Ok(updated == 1)
}

/// Gives a dead job a fresh set of attempts, due now. `false` when the
/// job is not dead (never dead, or retried already).
pub fn retry_dead(conn: &mut DbConnection, id: &str, now: NaiveDateTime) -> QueryResult<bool> {
    diesel::update(
        jobs::table
            .filter(jobs::id.eq(id))
            .filter(jobs::state.eq(JobState::Dead)),
    )
    .set((
        jobs::state.eq(JobState::Pending),
        jobs::attempts.eq(0),
        jobs::run_at.eq(now),
        jobs::finished_at.eq(None::<NaiveDateTime>),
    ))
    .execute(conn)
    .map(|updated| updated == 1)
}

/// The jobs in `state`, newest first, at most `limit`.
pub fn in_state(conn: &mut DbConnection, state: JobState, limit: i64) -> QueryResult<Vec<JobRow>> {
    jobs::table
        .filter(jobs::state.eq(state))
        .order((jobs::created_at.desc(), jobs::id.desc()))
        .limit(limit)
        .select(JobRow::as_select())
        .load(conn)
}

/// How many jobs wait (pending or running), by kind.
pub fn depth_by_kind(conn: &mut DbConnection) -> QueryResult<Vec<(String, i64)>> {
    jobs::table
        .filter(jobs::state.eq_any([JobState::Pending, JobState::Running]))
        .group_by(jobs::kind)
        .select((jobs::kind, diesel::dsl::count_star()))
        .load(conn)
}

/// When the longest-waiting due job became due (none: nothing waits).
pub fn oldest_due(
    conn: &mut DbConnection,
    now: NaiveDateTime,
) -> QueryResult<Option<NaiveDateTime>> {
    jobs::table
        .filter(jobs::state.eq(JobState::Pending))
        .filter(jobs::run_at.le(now))
        .select(diesel::dsl::min(jobs::run_at))
        .first(conn)
}

/// Deletes jobs that finished (done) before `before`; returns how many.
pub fn prune_done(conn: &mut DbConnection, before: NaiveDateTime) -> QueryResult<usize> {
    diesel::delete(
        jobs::table
            .filter(jobs::state.eq(JobState::Done))
            .filter(jobs::finished_at.lt(before)),
    )
    .execute(conn)
}
