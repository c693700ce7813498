//! The `login_throttle` aggregate: an account's failed logins in its
//! current window. A window opens at the first failure and lasts
//! `window`; the limit applies within it, and a success or a password
//! reset closes it. Callers hold the reader's row lock (a write
//! transaction after `readers::lock`), so concurrent failures count one by
//! one.

use super::DbConnection;
use super::schema::login_throttle;
use crate::domain::ReaderId;
use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;

/// Until when the account refuses logins, if it has reached `limit`
/// failures inside the window that contains `now`.
pub fn locked_until(
    conn: &mut DbConnection,
    reader: &ReaderId,
    limit: u32,
    window: Duration,
    now: NaiveDateTime,
) -> QueryResult<Option<NaiveDateTime>> {
    let row: Option<(NaiveDateTime, i32)> = login_throttle::table
        .find(reader.as_str())
        .select((login_throttle::window_start, login_throttle::failures))
        .first(conn)
        .optional()?;
    Ok(row.and_then(|(start, failures)| {
        let ends = start + window;
        (ends > now && i64::from(failures) >= i64::from(limit)).then_some(ends)
    }))
}

/// Counts one failure: in the open window, or in a new one from `now`.
pub fn record_failure(
    conn: &mut DbConnection,
    reader: &ReaderId,
    window: Duration,
    now: NaiveDateTime,
) -> QueryResult<()> {
    let current: Option<NaiveDateTime> = login_throttle::table
        .find(reader.as_str())
        .select(login_throttle::window_start)
        .first(conn)
        .optional()?;
    match current {
        Some(start) if start + window > now => {
            diesel::update(login_throttle::table.find(reader.as_str()))
                .set(login_throttle::failures.eq(login_throttle::failures + 1))
                .execute(conn)
                .map(drop)
        }
        Some(_) => diesel::update(login_throttle::table.find(reader.as_str()))
            .set((
                login_throttle::window_start.eq(now),
                login_throttle::failures.eq(1),
            ))
            .execute(conn)
            .map(drop),
        None => diesel::insert_into(login_throttle::table)
            .values((
                login_throttle::reader_id.eq(reader.as_str()),
                login_throttle::window_start.eq(now),
                login_throttle::failures.eq(1),
            ))
            .execute(conn)
            .map(drop),
    }
}

/// Forgets the account's failures (a successful login, a password reset).
pub fn clear(conn: &mut DbConnection, reader: &ReaderId) -> QueryResult<()> {
    diesel::delete(login_throttle::table.find(reader.as_str()))
        .execute(conn)
        .map(drop)
}
