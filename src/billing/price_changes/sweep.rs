//! The price-change sweep, run once per housekeeping period:
//!
//! 1. each `active` subscriber of a scheduled price's tier and interval
//!    (renewing, so not `canceling`; billed by a provider; subscribed
//!    before its date) is told once, the renewal it applies to being the
//!    first both after its date and at least
//!    `MASTHEAD_PRICE_CHANGE_NOTICE_DAYS` after the notice
//!    ([`first_renewal_at_new_price`]);
//! 2. once the price is effective and that renewal is within
//!    [`MOVE_LEAD`] (the current period is the last at the old price), the
//!    provider subscription is moved to it without proration, once
//!    (an idempotency key per subscription and change; the move is marked
//!    after the provider answered, so a crash in between repeats the same
//!    call, which Stripe replays).

use crate::billing::notices;
use crate::billing::provider::Provider;
use crate::db::price_changes::{self, PendingMove};
use crate::db::{self, Database, tiers};
use crate::domain::first_renewal_at_new_price;
use crate::error::ApiError;
use crate::mail::Letters;
use chrono::{Duration, Utc};
use std::sync::Arc;

/// How long before the renewal it applies to a subscription is moved to
/// its new price: ahead of the provider's own renewal run, with room for
/// a failed attempt to be retried by the next sweeps.
pub const MOVE_LEAD: Duration = Duration::days(2);

/// How far back a scheduled price still concerns anyone: every subscriber
/// of its date renews within a year and the notice after it.
const LOOK_BACK: Duration = Duration::days(400);

/// Tells and moves; returns how many notices and moves it made.
pub(crate) async fn run(
    db: &Database,
    provider: &Provider,
    letters: &Arc<Letters>,
) -> Result<usize, ApiError> {
    let told = tell(db, letters).await?;
    let moved = move_due(db, provider).await?;
    Ok(told + moved)
}

/// Queues the notices due; each subscriber in its own transaction.
async fn tell(db: &Database, letters: &Arc<Letters>) -> Result<usize, ApiError> {
    let letters = Arc::clone(letters);
    db.run(move |conn| {
        let now = Utc::now().naive_utc();
        let notice_days = letters.settings().price_change_notice_days;
        let mut told = 0;
        for change in price_changes::since(conn, now - LOOK_BACK)? {
            let Some(interval) = change.interval() else {
                continue;
            };
            let before = change.effective_at - Duration::seconds(1);
            let Some(old) = tiers::find_at(conn, &change.tier_id, before)?
                .and_then(|tier| {
                    tier.prices
                        .into_iter()
                        .find(|p| p.interval == interval && p.currency.as_str() == change.currency)
                })
            else {
                continue;
            };
            for row in price_changes::untold(conn, &change)? {
                if row.started_at >= change.effective_at {
                    continue; // subscribed at the new price already
                }
                let Some(period_end) = row.current_period_end else {
                    continue;
                };
                let Some(applies_at) = first_renewal_at_new_price(
                    period_end,
                    interval,
                    change.effective_at,
                    now,
                    notice_days,
                ) else {
                    continue;
                };
                // A later scheduled price may take over by then: that one
                // tells this subscriber instead.
                let in_effect = tiers::find_at(conn, &change.tier_id, applies_at)?
                    .and_then(|tier| tier.prices.into_iter().find(|p| p.interval == interval && p.currency.as_str() == change.currency))
                    .and_then(|p| p.scheduled);
                if in_effect.as_deref() != Some(change.id.as_str()) {
                    continue;
                }
                let queued = db::write_transaction(conn, |conn| {
                    notices::queue_price_change(
                        conn,
                        &letters,
                        &row,
                        &change,
                        old.amount.get(),
                        applies_at,
                        now,
                    )
                });
                match queued {
                    Ok(true) => told += 1,
                    Ok(false) => {}
                    Err(error) => {
                        tracing::warn!(subscription = %row.id, change = %change.id, %error, "a price-change notice could not be queued; the next sweep tries again");
                    }
                }
            }
        }
        Ok(told)
    })
    .await
}

/// Moves the subscriptions due to their new price at the provider.
async fn move_due(db: &Database, provider: &Provider) -> Result<usize, ApiError> {
    let due = db
        .run(|conn| {
            let now = Utc::now().naive_utc();
            Ok(price_changes::due_moves(conn, now, MOVE_LEAD)?)
        })
        .await?;
    let mut moved = 0;
    for pending in due {
        match move_one(db, provider, &pending).await {
            Ok(true) => moved += 1,
            Ok(false) => {}
            Err(error) => {
                tracing::warn!(subscription = %pending.subscription.id, change = %pending.change.id, %error, "a subscription could not be moved to its new price; the next sweep tries again");
            }
        }
    }
    Ok(moved)
}

async fn move_one(
    db: &Database,
    provider: &Provider,
    pending: &PendingMove,
) -> Result<bool, ApiError> {
    let (tier_id, at) = (pending.change.tier_id.clone(), pending.applies_at);
    let Some(tier) = db
        .run(move |conn| Ok(tiers::find_at(conn, &tier_id, at)?))
        .await?
    else {
        return Ok(false);
    };
    let Some(price) = tier
        .prices
        .iter()
        .find(|p| p.scheduled.as_deref() == Some(pending.change.id.as_str()))
    else {
        return Ok(false);
    };
    provider
        .move_to_price(db, &pending.subscription, &tier, price, &pending.change.id)
        .await?;
    let (change, subscription) = (pending.change.id.clone(), pending.subscription.id.clone());
    db.run(move |conn| {
        let now = Utc::now().naive_utc();
        Ok(price_changes::mark_moved(
            conn,
            &change,
            &subscription,
            now,
        )?)
    })
    .await
}
