//! The reminders already queued (`reminders_sent`), one row per reminder
//! key: marked in the transaction that queues the email, so a repeated
//! sweep, a sweep a crash made run twice, or two instances send each
//! reminder once. A row outlives the job that sent it (done jobs are
//! pruned after a week; a 30-day reminder must not be sent again on day
//! 23), and is pruned once the date it is about has passed.

use super::DbConnection;
use super::schema::reminders_sent;
use chrono::NaiveDateTime;
use diesel::prelude::*;

/// Marks the reminder `key` (about the date `about`) queued, unless it
/// was already: `true` when this call marked it, so the caller queues its
/// email in the same transaction. Inside a caller's transaction a unique
/// violation would abort it on PostgreSQL, so the key is looked up first
/// and the insert runs in a savepoint; the constraint decides a race.
pub fn mark(
    conn: &mut DbConnection,
    key: &str,
    about: NaiveDateTime,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    let taken = reminders_sent::table
        .find(key)
        .select(reminders_sent::reminder_key)
        .first::<String>(conn)
        .optional()?
        .is_some();
    if taken {
        return Ok(false);
    }
    super::unique::insert_unless_taken(conn, |conn| {
        diesel::insert_into(reminders_sent::table)
            .values((
                reminders_sent::reminder_key.eq(key),
                reminders_sent::about.eq(about),
                reminders_sent::queued_at.eq(now),
            ))
            .execute(conn)
    })
}

/// Deletes the marks of reminders about dates before `before` (no sweep
/// can find those dates ahead any more); returns how many.
pub fn prune(conn: &mut DbConnection, before: NaiveDateTime) -> QueryResult<usize> {
    diesel::delete(reminders_sent::table.filter(reminders_sent::about.lt(before))).execute(conn)
}
