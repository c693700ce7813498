//! The `login_failures` aggregate: password checks counted per guessed
//! address (`subject`, a hash of the email) and client address, in a window
//! that opens at the first attempt and lasts `window`. An attempt is
//! counted *before* the password is verified, by a conditional update that
//! only succeeds below the limit, so a burst of concurrent guesses gets no
//! more verifications than the limit, on either database, without a lock
//! held across the hash. A success gives its attempt back.
//!
//! Each statement stands alone (no surrounding transaction): a unique
//! violation on the first insert of a key would abort a PostgreSQL
//! transaction, and none is needed since every step is one atomic row
//! update.

use super::DbConnection;
use super::schema::login_failures;
use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;
use diesel::result::{DatabaseErrorKind, Error as DieselError};

/// The `client` of the count over every client address.
pub const ANY_CLIENT: &str = "*";

/// Counts one attempt for (`subject`, `client`) if fewer than `limit` were
/// counted in the window containing `now` (a window that ended is started
/// afresh). Returns whether the attempt was counted, i.e. may go ahead.
pub fn take(
    conn: &mut DbConnection,
    subject: &str,
    client: &str,
    limit: u32,
    window: Duration,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    if limit == 0 {
        return Ok(false);
    }
    let limit = i32::try_from(limit).unwrap_or(i32::MAX);
    // Only one of several concurrent resets matches: the first moves
    // `window_start` to now, so the condition fails for the others.
    diesel::update(
        login_failures::table
            .find((subject, client))
            .filter(login_failures::window_start.le(now - window)),
    )
    .set((
        login_failures::window_start.eq(now),
        login_failures::failures.eq(0),
    ))
    .execute(conn)?;
    if count_below(conn, subject, client, limit)? {
        return Ok(true);
    }
    let inserted = diesel::insert_into(login_failures::table)
        .values((
            login_failures::subject.eq(subject),
            login_failures::client.eq(client),
            login_failures::window_start.eq(now),
            login_failures::failures.eq(1),
        ))
        .execute(conn);
    match inserted {
        Ok(_) => Ok(true),
        // Someone else created the row meanwhile (or it was there, at the
        // limit): count against it, if it is below the limit.
        Err(DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, _)) => {
            count_below(conn, subject, client, limit)
        }
        Err(other) => Err(other),
    }
}

/// `failures += 1` where `failures < limit`: whether it counted.
fn count_below(
    conn: &mut DbConnection,
    subject: &str,
    client: &str,
    limit: i32,
) -> QueryResult<bool> {
    let counted = diesel::update(
        login_failures::table
            .find((subject, client))
            .filter(login_failures::failures.lt(limit)),
    )
    .set(login_failures::failures.eq(login_failures::failures + 1))
    .execute(conn)?;
    Ok(counted == 1)
}

/// Gives back one counted attempt (it turned out right, or was refused
/// without being verified).
pub fn give_back(conn: &mut DbConnection, subject: &str, client: &str) -> QueryResult<()> {
    diesel::update(
        login_failures::table
            .find((subject, client))
            .filter(login_failures::failures.gt(0)),
    )
    .set(login_failures::failures.eq(login_failures::failures - 1))
    .execute(conn)
    .map(drop)
}

/// Forgets the count of one (`subject`, `client`): that client proved the
/// password.
pub fn clear(conn: &mut DbConnection, subject: &str, client: &str) -> QueryResult<()> {
    diesel::delete(login_failures::table.find((subject, client)))
        .execute(conn)
        .map(drop)
}

/// Forgets every count of `subject` (a password reset: whoever reads the
/// mailbox is the owner, and gets their way in back).
pub fn clear_subject(conn: &mut DbConnection, subject: &str) -> QueryResult<()> {
    diesel::delete(login_failures::table.filter(login_failures::subject.eq(subject)))
        .execute(conn)
        .map(drop)
}

/// When the window of (`subject`, `client`) ends, for `Retry-After`.
pub fn window_ends(
    conn: &mut DbConnection,
    subject: &str,
    client: &str,
    window: Duration,
) -> QueryResult<Option<NaiveDateTime>> {
    login_failures::table
        .find((subject, client))
        .select(login_failures::window_start)
        .first::<NaiveDateTime>(conn)
        .optional()
        .map(|start| start.map(|start| start + window))
}

/// Deletes the counts whose window ended before `before`, so addresses
/// guessed once do not stay forever.
pub fn prune(conn: &mut DbConnection, before: NaiveDateTime) -> QueryResult<usize> {
    diesel::delete(login_failures::table.filter(login_failures::window_start.lt(before)))
        .execute(conn)
}
