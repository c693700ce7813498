//! Moving on what time ended: a `past_due` subscription whose grace window
//! closed, and a comp whose end date passed, become `expired` (the state
//! machine's `Clock` rows), each a conditional transition recorded as an
//! event by the actor `clock`, `ended_at` set to the moment it really
//! ended. The gate already grants nothing past those dates; the move makes
//! the history, staff views and counts say so.
//!
//! Only subscriptions no outside provider bills are moved out of
//! `past_due`: `expired` is final, and Stripe may still collect a failed
//! renewal after our grace window (its retries end in `unpaid` or
//! `canceled`, which its webhooks report), which must reactivate it.

use crate::billing::provider::DevProvider;
use crate::db::subscriptions::{self, SubscriptionChanges, SubscriptionRow, TransitionOutcome};
use crate::db::{self, Database, due_dates};
use crate::domain::{Actor, SubscriptionState};
use crate::error::ApiError;
use chrono::{NaiveDateTime, Utc};

/// `past_due` past grace to `expired`; returns how many moved.
pub(crate) async fn expire_grace(db: &Database) -> Result<usize, ApiError> {
    db.run(|conn| {
        let now = Utc::now().naive_utc();
        let due = due_dates::past_grace(conn, now, DevProvider::NAME)?;
        let mut moved = 0;
        for row in due {
            let ended = row.grace_ends_at.unwrap_or(now);
            moved += usize::from(expire(
                conn,
                &row,
                SubscriptionState::PastDue,
                ended,
                now,
                "the grace window after a failed payment ended",
            )?);
        }
        Ok(moved)
    })
    .await
}

/// Comps past their end to `expired`; returns how many moved.
pub(crate) async fn end_comps(db: &Database) -> Result<usize, ApiError> {
    db.run(|conn| {
        let now = Utc::now().naive_utc();
        let due = due_dates::comps_over(conn, now)?;
        let mut moved = 0;
        for row in due {
            let ended = row.comped_until.unwrap_or(now);
            moved += usize::from(expire(
                conn,
                &row,
                SubscriptionState::Comped,
                ended,
                now,
                "the comp's end date passed",
            )?);
        }
        Ok(moved)
    })
    .await
}

/// Gifts past their end to `expired`; returns how many moved.
pub(crate) async fn end_gifts(db: &Database) -> Result<usize, ApiError> {
    db.run(|conn| {
        let now = Utc::now().naive_utc();
        let due = due_dates::gifts_over(conn, now)?;
        let mut moved = 0;
        for row in due {
            let ended = row.current_period_end.unwrap_or(now);
            moved += usize::from(expire(
                conn,
                &row,
                SubscriptionState::Gift,
                ended,
                now,
                "the gift's end date passed",
            )?);
        }
        Ok(moved)
    })
    .await
}

/// Moves `row` from `from` to `expired`, ended at `ended`, in its own
/// write transaction; `false` when it moved meanwhile.
fn expire(
    conn: &mut db::DbConnection,
    row: &SubscriptionRow,
    from: SubscriptionState,
    ended: NaiveDateTime,
    now: NaiveDateTime,
    why: &str,
) -> Result<bool, ApiError> {
    let changes = SubscriptionChanges {
        ended_at: Some(Some(ended)),
        ..SubscriptionChanges::default()
    };
    let outcome = db::write_transaction(conn, |conn| {
        Ok::<_, ApiError>(subscriptions::transition(
            conn,
            &row.subscription_id(),
            from,
            SubscriptionState::Expired,
            &changes,
            &Actor::Clock.to_string(),
            Some(why),
            now,
        )?)
    })?;
    Ok(outcome == TransitionOutcome::Applied)
}
