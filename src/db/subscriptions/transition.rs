//! Moving a subscription between states: the pure state machine decides
//! whether a move is allowed, a conditional `UPDATE .. WHERE state = from`
//! decides whether it still applies, and an event records it.

use super::events::NewEvent;
use crate::db::DbConnection;
use crate::db::schema::subscriptions;
use crate::domain::{Cause, SubscriptionId, SubscriptionState, TransitionRefused};
use chrono::NaiveDateTime;
use diesel::prelude::*;

/// Fields a transition (or a renewal) may change besides the state. `None`
/// leaves a column alone; for nullable columns `Some(None)` clears it (a
/// resumed subscription clears `cancel_reason`, a recovered one
/// `grace_ends_at`). `updated_at` defaults to the time of the change.
#[derive(Debug, Clone, Default, AsChangeset)]
#[diesel(table_name = subscriptions)]
pub struct SubscriptionChanges {
    pub current_period_start: Option<Option<NaiveDateTime>>,
    pub current_period_end: Option<Option<NaiveDateTime>>,
    pub grace_ends_at: Option<Option<NaiveDateTime>>,
    pub comped_until: Option<Option<NaiveDateTime>>,
    pub cancel_reason: Option<Option<String>>,
    pub ended_at: Option<Option<NaiveDateTime>>,
    pub updated_at: Option<NaiveDateTime>,
}

/// What a conditional update led to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[must_use]
pub enum TransitionOutcome {
    /// The subscription was in the expected state and now carries the change.
    Applied,
    /// The subscription was not in the expected state (someone else moved it
    /// first, or it does not exist): nothing was written.
    Conflict,
}

/// Why a transition could not even be attempted.
#[derive(Debug, thiserror::Error)]
pub enum TransitionError {
    /// The state machine does not allow the move.
    #[error(transparent)]
    Refused(#[from] TransitionRefused),
    /// The database failed.
    #[error(transparent)]
    Database(#[from] diesel::result::Error),
}

/// Moves subscription `id` from `from` to `to` if the state machine allows
/// it and the row is still in `from`, applying `changes` and appending an
/// event (who, why, when) in the same transaction. Call it inside
/// [`crate::db::write_transaction`] when the caller read the row first.
#[allow(
    clippy::too_many_arguments,
    reason = "each argument is a distinct part of the audited change"
)]
pub fn transition(
    conn: &mut DbConnection,
    id: &SubscriptionId,
    from: SubscriptionState,
    to: SubscriptionState,
    changes: &SubscriptionChanges,
    actor: &str,
    reason: Option<&str>,
    now: NaiveDateTime,
) -> Result<TransitionOutcome, TransitionError> {
    from.transition(to)?;
    move_row(conn, id, from, to, changes, actor, reason, now)
}

/// Moves subscription `id` back from `from` (`refunded`) to `to` because
/// the provider reversed what it reported (a dispute won, a refund that
/// failed): the only moves [`SubscriptionState::can_become_by`] allows a
/// [`Cause::Reversal`]. Otherwise as [`transition`].
#[allow(
    clippy::too_many_arguments,
    reason = "each argument is a distinct part of the audited change"
)]
pub fn reverse(
    conn: &mut DbConnection,
    id: &SubscriptionId,
    from: SubscriptionState,
    to: SubscriptionState,
    changes: &SubscriptionChanges,
    actor: &str,
    reason: Option<&str>,
    now: NaiveDateTime,
) -> Result<TransitionOutcome, TransitionError> {
    if !from.can_become_by(to, Cause::Reversal) {
        return Err(TransitionRefused { from, to }.into());
    }
    move_row(conn, id, from, to, changes, actor, reason, now)
}

#[allow(
    clippy::too_many_arguments,
    reason = "each argument is a distinct part of the audited change"
)]
fn move_row(
    conn: &mut DbConnection,
    id: &SubscriptionId,
    from: SubscriptionState,
    to: SubscriptionState,
    changes: &SubscriptionChanges,
    actor: &str,
    reason: Option<&str>,
    now: NaiveDateTime,
) -> Result<TransitionOutcome, TransitionError> {
    let changes = stamped(changes, now);
    conn.transaction(|conn| {
        let moved = diesel::update(in_state(id, from))
            .set((subscriptions::state.eq(to.as_str()), &changes))
            .execute(conn)?;
        if moved == 0 {
            return Ok(TransitionOutcome::Conflict);
        }
        let event = NewEvent {
            subscription_id: id.as_str(),
            from_state: Some(from.as_str()),
            to_state: to.as_str(),
            actor,
            reason,
            occurred_at: now,
        };
        event.append(conn)?;
        Ok(TransitionOutcome::Applied)
    })
}

/// Applies `changes` while the subscription stays in `expected` (a renewal
/// extends an `active` period). Not a state change, so no event; still
/// conditional, so it cannot overwrite a concurrent transition.
pub fn update_fields_without_transition(
    conn: &mut DbConnection,
    id: &SubscriptionId,
    expected: SubscriptionState,
    changes: &SubscriptionChanges,
    now: NaiveDateTime,
) -> QueryResult<TransitionOutcome> {
    let updated = diesel::update(in_state(id, expected))
        .set(&stamped(changes, now))
        .execute(conn)?;
    Ok(if updated == 0 {
        TransitionOutcome::Conflict
    } else {
        TransitionOutcome::Applied
    })
}

type InState<'a> = diesel::dsl::Filter<
    diesel::dsl::Filter<subscriptions::table, diesel::dsl::Eq<subscriptions::id, &'a str>>,
    diesel::dsl::Eq<subscriptions::state, &'static str>,
>;

fn in_state(id: &SubscriptionId, state: SubscriptionState) -> InState<'_> {
    subscriptions::table
        .filter(subscriptions::id.eq(id.as_str()))
        .filter(subscriptions::state.eq(state.as_str()))
}

/// The changes with `updated_at` set, which also keeps the changeset from
/// ever being empty.
fn stamped(changes: &SubscriptionChanges, now: NaiveDateTime) -> SubscriptionChanges {
    SubscriptionChanges {
        updated_at: Some(changes.updated_at.unwrap_or(now)),
        ..changes.clone()
    }
}
