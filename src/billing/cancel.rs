//! Cancel anytime, and change your mind: a reader's `active` subscription
//! becomes `canceling` (access continues to the period end, nothing renews)
//! and back. The provider is told first, so it never charges for a
//! subscription we show as ending; then a conditional transition records
//! the change, so a concurrent change (a failed renewal, a refund) wins
//! cleanly rather than being overwritten.

use super::notices;
use super::provider::Provider;
use crate::db::subscriptions::{self, SubscriptionChanges, SubscriptionRow, TransitionOutcome};
use crate::db::{self, Database};
use crate::domain::{Actor, ReaderId, Reason, SubscriptionState};
use crate::error::ApiError;
use crate::mail::Letters;
use chrono::{NaiveDateTime, Utc};
use std::sync::Arc;

/// Who the subscription history names when the reader acts.
fn reader_actor(reader: &ReaderId) -> String {
    Actor::Reader(reader.clone()).to_string()
}

/// The reader's newest subscription in `state`.
async fn newest_in(
    db: &Database,
    reader: &ReaderId,
    state: SubscriptionState,
) -> Result<Option<SubscriptionRow>, ApiError> {
    let reader = reader.clone();
    let rows = db
        .run(move |conn| Ok(subscriptions::for_reader(conn, &reader)?))
        .await?;
    Ok(rows.into_iter().find(|row| row.state() == Some(state)))
}

/// Moves `subscription` from `from` to `to` (one write transaction) and
/// returns it as stored; `None` when it was no longer in `from`. With
/// `tell`, the reader's cancellation email is queued with the move.
async fn move_subscription(
    db: &Database,
    subscription: &SubscriptionRow,
    (from, to): (SubscriptionState, SubscriptionState),
    changes: SubscriptionChanges,
    (actor, reason): (String, Option<String>),
    tell: Option<Arc<Letters>>,
) -> Result<Option<SubscriptionRow>, ApiError> {
    let id = subscription.subscription_id();
    db.run(move |conn| {
        let now = Utc::now().naive_utc();
        db::write_transaction(conn, |conn| {
            let outcome = subscriptions::transition(
                conn,
                &id,
                from,
                to,
                &changes,
                &actor,
                reason.as_deref(),
                now,
            )?;
            if outcome == TransitionOutcome::Conflict {
                return Ok(None);
            }
            let moved = subscriptions::find(conn, &id)?;
            if let Some(letters) = &tell {
                notices::queue_canceled(conn, letters, &moved, now)?;
            }
            Ok(Some(moved))
        })
    })
    .await
}

fn ends(end: Option<NaiveDateTime>) -> String {
    end.map_or_else(
        || "at the end of the period".to_owned(),
        |end| format!("on {}", crate::domain::rfc3339_seconds_naive(end)),
    )
}

/// Sets the reader's `active` subscription to end at its period end,
/// storing the optional reason, and queues the email that says until when
/// and how to resume; returns it, now `canceling` (the caller wakes the
/// queue). 409 `already_canceling` when it already ends,
/// `nothing_to_cancel` when the reader has no active subscription.
pub async fn cancel_at_period_end(
    db: &Database,
    provider: &Provider,
    letters: &Arc<Letters>,
    reader: &ReaderId,
    reason: Option<Reason>,
) -> Result<SubscriptionRow, ApiError> {
    // A reader in a free trial may cancel too (cancel anytime): the trial
    // runs to its end and no first payment is taken.
    let active = match newest_in(db, reader, SubscriptionState::Active).await? {
        Some(active) => Some(active),
        None => newest_in(db, reader, SubscriptionState::Trialing).await?,
    };
    let Some(active) = active else {
        if let Some(canceling) = newest_in(db, reader, SubscriptionState::Canceling).await? {
            return Err(ApiError::conflict(
                "already_canceling",
                format!(
                    "your subscription already ends {}; resume it to keep it",
                    ends(canceling.current_period_end)
                ),
            ));
        }
        return Err(nothing_to_cancel());
    };
    provider.cancel_at_period_end(&active).await?;
    let reason = reason.map(|r| r.as_str().to_owned());
    let changes = SubscriptionChanges {
        cancel_reason: Some(reason.clone()),
        ..SubscriptionChanges::default()
    };
    let from = active.state().unwrap_or(SubscriptionState::Active);
    let transition = (from, SubscriptionState::Canceling);
    let tell = Some(Arc::clone(letters));
    let actor = (reader_actor(reader), reason);
    move_subscription(db, &active, transition, changes, actor, tell)
        .await?
        .ok_or_else(nothing_to_cancel)
}

fn nothing_to_cancel() -> ApiError {
    ApiError::conflict(
        "nothing_to_cancel",
        "you have no active subscription to cancel",
    )
}

/// Undoes a cancellation: the reader's `canceling` subscription renews
/// again (`active`), its stored reason cleared; only before the period
/// ends. 409 `nothing_to_resume` when nothing is canceling, `period_ended`
/// when it is too late (subscribe again instead).
pub async fn resume(
    db: &Database,
    provider: &Provider,
    reader: &ReaderId,
) -> Result<SubscriptionRow, ApiError> {
    let Some(canceling) = newest_in(db, reader, SubscriptionState::Canceling).await? else {
        return Err(nothing_to_resume());
    };
    let now = Utc::now().naive_utc();
    if canceling.current_period_end.is_none_or(|end| end <= now) {
        return Err(ApiError::conflict(
            "period_ended",
            format!(
                "your subscription ended {}; start a new checkout to subscribe again",
                ends(canceling.current_period_end)
            ),
        ));
    }
    provider.resume(&canceling).await?;
    let changes = SubscriptionChanges {
        cancel_reason: Some(None),
        ..SubscriptionChanges::default()
    };
    let transition = (SubscriptionState::Canceling, SubscriptionState::Active);
    let actor = (reader_actor(reader), None);
    move_subscription(db, &canceling, transition, changes, actor, None)
        .await?
        .ok_or_else(nothing_to_resume)
}

fn nothing_to_resume() -> ApiError {
    ApiError::conflict(
        "nothing_to_resume",
        "you have no cancelled subscription to resume",
    )
}

/// Stops every renewal of a reader who is leaving (deleting their account):
/// each `active` or `past_due` subscription is set to end at its period
/// end, the provider told first, so nothing is charged again while the
/// money already paid keeps its period. Returns how many were stopped.
pub async fn stop_renewals_for_departure(
    db: &Database,
    provider: &Provider,
    reader: &ReaderId,
) -> Result<usize, ApiError> {
    let owner = reader.clone();
    let rows = db
        .run(move |conn| Ok(subscriptions::for_reader(conn, &owner)?))
        .await?;
    let mut stopped = 0;
    for row in rows {
        let Some(from) = row
            .state()
            .filter(|s| matches!(s, SubscriptionState::Active | SubscriptionState::PastDue))
        else {
            continue;
        };
        provider.cancel_at_period_end(&row).await?;
        let changes = SubscriptionChanges {
            cancel_reason: Some(Some(DEPARTURE.to_owned())),
            ..SubscriptionChanges::default()
        };
        let reason = Some(DEPARTURE.to_owned());
        let moved = (from, SubscriptionState::Canceling);
        // A departing reader's account is gone: no email.
        let actor = (reader_actor(reader), reason);
        if move_subscription(db, &row, moved, changes, actor, None)
            .await?
            .is_some()
        {
            stopped += 1;
        }
    }
    Ok(stopped)
}

/// The reason recorded when a reader's departure ends their renewals.
const DEPARTURE: &str = "account deleted";
