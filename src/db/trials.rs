//! The `trials_used` mark: one free trial per reader, written when a
//! checkout with trial days completes, and kept when the subscription
//! ends, is refunded or the account is deleted. The reader is the key, so
//! a second trial cannot be recorded however the checkouts race.

use super::DbConnection;
use super::schema::trials_used;
use super::unique::insert_unless_taken;
use crate::domain::{CheckoutId, ReaderId};
use chrono::NaiveDateTime;
use diesel::prelude::*;

/// Whether `reader` has had their free trial.
pub fn used(conn: &mut DbConnection, reader: &ReaderId) -> QueryResult<bool> {
    let marks: i64 = trials_used::table
        .find(reader.as_str())
        .count()
        .get_result(conn)?;
    Ok(marks > 0)
}

/// Marks `reader`'s trial as used by `checkout`; `false` when it was
/// used already (by another checkout: this one gets no trial).
pub fn mark(
    conn: &mut DbConnection,
    reader: &ReaderId,
    checkout: &CheckoutId,
    days: i32,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    insert_unless_taken(conn, |conn| {
        diesel::insert_into(trials_used::table)
            .values((
                trials_used::reader_id.eq(reader.as_str()),
                trials_used::checkout_id.eq(checkout.as_str()),
                trials_used::trial_days.eq(days),
                trials_used::used_at.eq(now),
            ))
            .execute(conn)
    })
}

/// Which checkout used `reader`'s trial, if one did.
pub fn used_by(conn: &mut DbConnection, reader: &ReaderId) -> QueryResult<Option<String>> {
    trials_used::table
        .find(reader.as_str())
        .select(trials_used::checkout_id)
        .first(conn)
        .optional()
}
