//! The metered paywall's reads (`meters`, `meter_reads`): one row per
//! article a meter counted. Counting takes the meter's row lock first (an
//! `UPDATE` of its `touched_at`), so two requests of one visitor, two tabs
//! or two instances, decide one after the other and the allowance is never
//! overrun; re-reading a counted article writes nothing.

use super::DbConnection;
use super::schema::{meter_reads, meters};
use crate::domain::{Meter, MeterRule, MeterVerdict, MeteredRead};
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;

/// The reads of `meter` counted after `since` (older ones no longer count).
pub fn reads(
    conn: &mut DbConnection,
    meter: &str,
    since: DateTime<Utc>,
) -> QueryResult<Vec<MeteredRead>> {
    let rows: Vec<(String, NaiveDateTime)> = meter_reads::table
        .filter(meter_reads::meter_id.eq(meter))
        .filter(meter_reads::read_at.gt(since.naive_utc()))
        .select((meter_reads::article_id, meter_reads::read_at))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(article_id, read_at)| MeteredRead {
            article_id,
            read_at: read_at.and_utc(),
        })
        .collect())
}

/// Takes `meter`'s row lock, creating the row for a meter's first read.
fn lock(conn: &mut DbConnection, meter: &str, now: NaiveDateTime) -> QueryResult<()> {
    let touch = |conn: &mut DbConnection| {
        diesel::update(meters::table.find(meter))
            .set(meters::touched_at.eq(now))
            .execute(conn)
    };
    if touch(conn)? == 1 {
        return Ok(());
    }
    let created = super::unique::insert_unless_taken(conn, |conn| {
        diesel::insert_into(meters::table)
            .values((
                meters::id.eq(meter),
                meters::created_at.eq(now),
                meters::touched_at.eq(now),
            ))
            .execute(conn)
    })?;
    if !created {
        // A racing first read created it: wait for its lock like any other.
        touch(conn)?;
    }
    Ok(())
}

fn record(
    conn: &mut DbConnection,
    meter: &str,
    article_id: &str,
    now: NaiveDateTime,
) -> QueryResult<()> {
    // A read from before the window is replaced: the article counts again.
    diesel::delete(meter_reads::table.find((meter, article_id))).execute(conn)?;
    diesel::insert_into(meter_reads::table)
        .values((
            meter_reads::meter_id.eq(meter),
            meter_reads::article_id.eq(article_id),
            meter_reads::read_at.eq(now),
        ))
        .execute(conn)?;
    Ok(())
}

/// Counts a full read of `article_id` on the meter `id` when the meter,
/// re-read under its lock, still opens it: returns the verdict decided
/// under the lock and the meter after it (with the read when it counted).
/// Call inside a transaction.
pub fn count_read(
    conn: &mut DbConnection,
    id: &str,
    limit: u32,
    window: chrono::Duration,
    article_id: &str,
    now: DateTime<Utc>,
) -> QueryResult<(MeterVerdict, Meter)> {
    lock(conn, id, now.naive_utc())?;
    let meter = Meter {
        limit,
        window,
        reads: std::sync::Arc::new(reads(conn, id, now - window)?),
    };
    let verdict = meter.verdict(article_id, MeterRule::Metered, now);
    if verdict != (MeterVerdict::Opens { counts: true }) {
        return Ok((verdict, meter));
    }
    record(conn, id, article_id, now.naive_utc())?;
    Ok((verdict, meter.with_read(article_id, now)))
}

/// Copies the reads of the meter `from` counted after `since` into the
/// meter `into` (an anonymous visitor's free articles follow them into the
/// account they sign up for or log in to). The anonymous meter keeps its
/// reads: logging out again must not hand out a fresh allowance. An
/// article both counted keeps the later read. Call inside a transaction.
pub fn merge(
    conn: &mut DbConnection,
    from: &str,
    into: &str,
    since: DateTime<Utc>,
    now: DateTime<Utc>,
) -> QueryResult<usize> {
    let carried = reads(conn, from, since)?;
    if carried.is_empty() {
        return Ok(0);
    }
    lock(conn, into, now.naive_utc())?;
    let held = reads(conn, into, since)?;
    let mut merged = 0;
    for read in carried {
        let newer_held = held
            .iter()
            .any(|h| h.article_id == read.article_id && h.read_at >= read.read_at);
        if !newer_held {
            record(conn, into, &read.article_id, read.read_at.naive_utc())?;
            merged += 1;
        }
    }
    Ok(merged)
}

/// Deletes meters untouched since `before` with their reads (a meter idle
/// for a whole window holds nothing that still counts); returns how many.
pub fn prune(conn: &mut DbConnection, before: DateTime<Utc>) -> QueryResult<usize> {
    let idle = meters::table
        .filter(meters::touched_at.lt(before.naive_utc()))
        .select(meters::id);
    diesel::delete(meter_reads::table.filter(meter_reads::meter_id.eq_any(idle))).execute(conn)?;
    diesel::delete(meters::table.filter(meters::touched_at.lt(before.naive_utc()))).execute(conn)
}

/// Deletes a reader's meter (the account is being deleted).
pub fn forget(conn: &mut DbConnection, meter: &str) -> QueryResult<()> {
    diesel::delete(meter_reads::table.filter(meter_reads::meter_id.eq(meter))).execute(conn)?;
    diesel::delete(meters::table.find(meter)).execute(conn)?;
    Ok(())
}
