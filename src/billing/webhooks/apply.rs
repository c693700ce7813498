//! Moving a Stripe-billed subscription the way an event says, only forward:
//! through the state machine (a move it refuses is logged and skipped, so
//! a late `active` never revives a refunded subscription), periods only
//! ever extended, and snapshots older than the newest applied ignored.

use super::{Context, actor};
use crate::db::subscriptions::{
    self, SubscriptionChanges, SubscriptionRow, TransitionOutcome, provider,
};
use crate::db::{DbConnection, readers};
use crate::domain::{Cause, ReaderId, SubscriptionState};
use crate::error::ApiError;
use chrono::NaiveDateTime;

/// Locks the subscription's reader (so no other change to their
/// subscriptions interleaves) and reads the subscription again.
pub fn lock(conn: &mut DbConnection, row: &SubscriptionRow) -> Result<SubscriptionRow, ApiError> {
    readers::lock(conn, &ReaderId::from_db(row.reader_id.clone()))?;
    Ok(subscriptions::find(conn, &row.subscription_id())?)
}

/// Whether this event's snapshot is older than one already applied.
pub fn is_stale(
    conn: &mut DbConnection,
    context: &Context<'_>,
    row: &SubscriptionRow,
) -> Result<bool, ApiError> {
    let newest = provider::provider_updated_at(conn, &row.subscription_id())?;
    let stale = newest.is_some_and(|newest| context.at < newest);
    if stale {
        tracing::info!(
            event = %context.event.id,
            subscription = %row.id,
            "stripe event older than the subscription's newest state; state left alone"
        );
    }
    Ok(stale)
}

/// Remembers this event's time as the newest state applied.
pub fn remember(
    conn: &mut DbConnection,
    context: &Context<'_>,
    row: &SubscriptionRow,
) -> Result<(), ApiError> {
    Ok(provider::record_provider_update(
        conn,
        &row.subscription_id(),
        context.at,
    )?)
}

/// `changes` with the period replaced by `period` where it extends the
/// stored one (an older or equal period is never written back). Until a
/// first Stripe state is applied, the stored period may be a guess (a
/// session says nothing of periods), so Stripe's replaces it whatever it is.
pub fn extend_period(
    conn: &mut DbConnection,
    row: &SubscriptionRow,
    period: Option<(NaiveDateTime, NaiveDateTime)>,
    changes: SubscriptionChanges,
) -> Result<SubscriptionChanges, ApiError> {
    let Some((start, end)) = period else {
        return Ok(changes);
    };
    let guessed = provider::provider_updated_at(conn, &row.subscription_id())?.is_none();
    if guessed || row.current_period_end.is_none_or(|stored| end > stored) {
        return Ok(SubscriptionChanges {
            current_period_start: Some(Some(start)),
            current_period_end: Some(Some(end)),
            ..changes
        });
    }
    Ok(changes)
}

/// Moves `row` to `to` with `changes` (or, already there, applies the
/// changes alone). A move the state machine refuses is logged and
/// skipped. A concurrent change (impossible while the reader is locked)
/// is a 503, so Stripe retries.
pub fn move_to(
    conn: &mut DbConnection,
    context: &mut Context<'_>,
    row: &SubscriptionRow,
    to: SubscriptionState,
    changes: &SubscriptionChanges,
) -> Result<(), ApiError> {
    let Some(from) = row.state() else {
        tracing::warn!(subscription = %row.id, state = %row.state, "unknown stored state; stripe event not applied");
        return Ok(());
    };
    let id = row.subscription_id();
    let outcome = if from == to {
        subscriptions::update_fields_without_transition(conn, &id, from, changes, context.now)?
    } else if from.can_become(to) {
        let reason = context.reason();
        subscriptions::transition(
            conn,
            &id,
            from,
            to,
            changes,
            &actor(),
            Some(&reason),
            context.now,
        )?
    } else {
        tracing::info!(event = %context.event.id, subscription = %row.id, %from, %to, "stripe event asks for a move the state machine refuses; skipped");
        return Ok(());
    };
    if outcome == TransitionOutcome::Conflict {
        return Err(ApiError::Unavailable {
            code: "concurrent_change",
            detail: "the subscription changed while this event was applied; deliver it again"
                .to_owned(),
        });
    }
    context.touch(&row.reader_id);
    Ok(())
}

/// Gives a `refunded` subscription its access back because Stripe reversed
/// what ended it (a dispute won, a refund that failed): back to the state
/// it was refunded from, or `canceling` (access to the period end, no
/// renewal) when its Stripe subscription was cancelled meanwhile, since
/// Stripe will not charge it again.
pub fn reverse_refunded(
    conn: &mut DbConnection,
    context: &mut Context<'_>,
    row: &SubscriptionRow,
) -> Result<(), ApiError> {
    let id = row.subscription_id();
    let before = subscriptions::events(conn, &id)?
        .into_iter()
        .rev()
        .find(|event| event.to_state == SubscriptionState::Refunded.as_str())
        .and_then(|event| {
            event
                .from_state
                .as_deref()
                .and_then(SubscriptionState::parse)
        });
    let cancelled = crate::db::provider_follow_ups::queued_for(
        conn,
        &row.id,
        crate::billing::follow_ups::FollowUpKind::CancelSubscription.as_str(),
    )?;
    let to = match before {
        _ if cancelled => SubscriptionState::Canceling,
        Some(state) if SubscriptionState::Refunded.can_become_by(state, Cause::Reversal) => state,
        _ => SubscriptionState::Active,
    };
    let changes = SubscriptionChanges {
        ended_at: Some(None),
        ..SubscriptionChanges::default()
    };
    let reason = context.reason();
    let outcome = subscriptions::reverse(
        conn,
        &id,
        SubscriptionState::Refunded,
        to,
        &changes,
        &actor(),
        Some(&reason),
        context.now,
    )?;
    if outcome == TransitionOutcome::Conflict {
        return Err(ApiError::Unavailable {
            code: "concurrent_change",
            detail: "the subscription changed while this event was applied; deliver it again"
                .to_owned(),
        });
    }
    tracing::warn!(event = %context.event.id, subscription = %row.id, %to, "stripe reversed what ended the subscription; access restored");
    context.touch(&row.reader_id);
    Ok(())
}
