//! The `staff_second_factors` and `staff_recovery_codes` aggregate: a staff
//! member's TOTP secret, the last step a code was accepted at, and their
//! one-time recovery codes. Every acceptance is a conditional update, so two
//! requests presenting the same code cannot both pass.

use super::DbConnection;
use super::schema::{sessions, staff_recovery_codes, staff_second_factors};
use crate::domain::{ReaderId, SessionId};
use chrono::NaiveDateTime;
use diesel::prelude::*;

/// A staff member's second factor.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = staff_second_factors)]
pub struct SecondFactorRow {
    /// The base32 TOTP secret.
    pub secret: String,
    /// When a first code confirmed the enrolment; `None` while it is started.
    pub confirmed_at: Option<NaiveDateTime>,
    /// The last time step a code was accepted at.
    pub last_step: i64,
}

/// `member`'s second factor, started or confirmed.
pub fn find(conn: &mut DbConnection, member: &ReaderId) -> QueryResult<Option<SecondFactorRow>> {
    staff_second_factors::table
        .find(member.as_str())
        .select(SecondFactorRow::as_select())
        .first(conn)
        .optional()
}

/// Starts an enrolment with `secret`, replacing an unconfirmed one; `false`
/// (and nothing written) when `member` already has a confirmed factor.
pub fn start(
    conn: &mut DbConnection,
    member: &ReaderId,
    secret: &str,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    diesel::delete(
        staff_second_factors::table
            .filter(staff_second_factors::reader_id.eq(member.as_str()))
            .filter(staff_second_factors::confirmed_at.is_null()),
    )
    .execute(conn)?;
    if find(conn, member)?.is_some() {
        return Ok(false);
    }
    diesel::insert_into(staff_second_factors::table)
        .values((
            staff_second_factors::reader_id.eq(member.as_str()),
            staff_second_factors::secret.eq(secret),
            staff_second_factors::last_step.eq(0_i64),
            staff_second_factors::created_at.eq(now),
        ))
        .execute(conn)?;
    Ok(true)
}

/// Confirms `member`'s started enrolment with a code of `step`; `false` if
/// it was confirmed meanwhile (or the step is not new).
pub fn confirm(
    conn: &mut DbConnection,
    member: &ReaderId,
    step: i64,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    let confirmed = diesel::update(
        staff_second_factors::table
            .filter(staff_second_factors::reader_id.eq(member.as_str()))
            .filter(staff_second_factors::confirmed_at.is_null())
            .filter(staff_second_factors::last_step.lt(step)),
    )
    .set((
        staff_second_factors::confirmed_at.eq(now),
        staff_second_factors::last_step.eq(step),
    ))
    .execute(conn)?;
    Ok(confirmed == 1)
}

/// Records that a code of `step` was accepted for `member`'s confirmed
/// factor; `false` when that step (or a later one) was already used.
pub fn accept_step(conn: &mut DbConnection, member: &ReaderId, step: i64) -> QueryResult<bool> {
    let accepted = diesel::update(
        staff_second_factors::table
            .filter(staff_second_factors::reader_id.eq(member.as_str()))
            .filter(staff_second_factors::confirmed_at.is_not_null())
            .filter(staff_second_factors::last_step.lt(step)),
    )
    .set(staff_second_factors::last_step.eq(step))
    .execute(conn)?;
    Ok(accepted == 1)
}

/// Removes `member`'s factor and recovery codes; `false` if there was none.
pub fn remove(conn: &mut DbConnection, member: &ReaderId) -> QueryResult<bool> {
    diesel::delete(
        staff_recovery_codes::table.filter(staff_recovery_codes::reader_id.eq(member.as_str())),
    )
    .execute(conn)?;
    let removed =
        diesel::delete(staff_second_factors::table.find(member.as_str())).execute(conn)?;
    Ok(removed == 1)
}

/// Replaces `member`'s recovery codes by the ones hashed in `hashes`.
pub fn replace_recovery_codes(
    conn: &mut DbConnection,
    member: &ReaderId,
    hashes: &[String],
    now: NaiveDateTime,
) -> QueryResult<()> {
    diesel::delete(
        staff_recovery_codes::table.filter(staff_recovery_codes::reader_id.eq(member.as_str())),
    )
    .execute(conn)?;
    // One statement per code: batch inserts are not portable across the
    // MultiConnection's backends.
    for hash in hashes {
        diesel::insert_into(staff_recovery_codes::table)
            .values((
                staff_recovery_codes::code_hash.eq(hash),
                staff_recovery_codes::reader_id.eq(member.as_str()),
                staff_recovery_codes::created_at.eq(now),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// Uses one of `member`'s recovery codes, by its hash; `false` if it is not
/// theirs or was used before.
pub fn use_recovery_code(
    conn: &mut DbConnection,
    member: &ReaderId,
    hash: &str,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    let used = diesel::update(
        staff_recovery_codes::table
            .filter(staff_recovery_codes::code_hash.eq(hash))
            .filter(staff_recovery_codes::reader_id.eq(member.as_str()))
            .filter(staff_recovery_codes::used_at.is_null()),
    )
    .set(staff_recovery_codes::used_at.eq(now))
    .execute(conn)?;
    Ok(used == 1)
}

/// How many of `member`'s recovery codes are still unused.
pub fn recovery_codes_left(conn: &mut DbConnection, member: &ReaderId) -> QueryResult<i64> {
    staff_recovery_codes::table
        .filter(staff_recovery_codes::reader_id.eq(member.as_str()))
        .filter(staff_recovery_codes::used_at.is_null())
        .count()
        .get_result(conn)
}

/// Marks `session` as having proved the second factor at `now`.
pub fn mark_session(
    conn: &mut DbConnection,
    session: &SessionId,
    now: NaiveDateTime,
) -> QueryResult<()> {
    diesel::update(sessions::table.find(session.as_str()))
        .set(sessions::second_factor_at.eq(now))
        .execute(conn)
        .map(drop)
}
