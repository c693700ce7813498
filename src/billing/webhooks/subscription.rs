//! `customer.subscription.created`, `.updated` and `.deleted`: a snapshot
//! of the Stripe subscription. Its status (and `cancel_at_period_end`)
//! says which state ours should be in, its items the current period. A
//! snapshot older than one already applied is ignored; one that arrives
//! before anything else completes the checkout first (a Stripe
//! subscription only leaves `incomplete` once its first invoice is paid).

use super::link::{self, PaymentFacts, Refs};
use super::{Context, apply, fields};
use crate::db::DbConnection;
use crate::db::checkouts;
use crate::db::subscriptions::{self, SubscriptionChanges, SubscriptionRow};
use crate::domain::{CheckoutId, SubscriptionState};
use crate::error::ApiError;
use chrono::NaiveDateTime;
use serde_json::Value;

/// Applies a subscription snapshot; `deleted` for `.deleted`, which ends
/// it whatever its status says.
pub fn changed(
    conn: &mut DbConnection,
    context: &mut Context<'_>,
    deleted: bool,
) -> Result<(), ApiError> {
    let object = context.event.object.clone();
    let status = fields::text(&object, &["status"]);
    let Some(target) = target(&object, status, deleted) else {
        if status == Some("incomplete_expired") {
            return end_unpaid_checkout(conn, context, &object);
        }
        tracing::info!(event = %context.event.id, ?status, "stripe subscription status needs no change here");
        return Ok(());
    };
    let refs = Refs {
        subscription: fields::text(&object, &["id"]).map(str::to_owned),
        customer: fields::id(&object, &["customer"]).map(str::to_owned),
        ..Refs::default()
    }
    .with_metadata(fields::at(&object, &["metadata"]));
    let found = link::find(conn, &refs)?;
    let row = if let Some(row) = found {
        row
    } else {
        // A trial charges nothing: its $0 invoice is not a payment.
        let trial = status == Some("trialing");
        let facts = PaymentFacts {
            amount: trial.then_some(0),
            currency: fields::text(&object, &["currency"]).map(str::to_owned),
            invoice: fields::id(&object, &["latest_invoice"]).map(str::to_owned),
            period: period(&object),
            paid_at: fields::time(&object, &["start_date"]),
            trial,
            ..PaymentFacts::default()
        };
        let Some(row) = link::complete(conn, context, &refs, &facts)? else {
            return Ok(());
        };
        row
    };
    if apply::is_stale(conn, context, &row)? {
        return Ok(());
    }
    let ended_at = fields::time(&object, &["ended_at"]).map(|at| at.min(context.now));
    let changes =
        apply::extend_period(conn, &row, period(&object), SubscriptionChanges::default())?;
    let changes = changes_for(context, &row, target, changes, ended_at);
    crate::billing::plan_change::follow_provider_plan(
        conn,
        &row,
        &object,
        &super::actor(),
        context.now,
    )?;
    apply::move_to(conn, context, &row, target, &changes)?;
    tell_if_canceled(conn, context, &row, target)?;
    apply::remember(conn, context, &row)
}

/// A subscription this snapshot set to end at its period end (the reader
/// cancelled in Stripe's billing portal,
/// <https://docs.stripe.com/customer-management/cancel-subscriptions>) gets
/// the cancellation email. One already `canceling` (cancelled through
/// Masthead, which sent it) gets none.
fn tell_if_canceled(
    conn: &mut DbConnection,
    context: &Context<'_>,
    before: &SubscriptionRow,
    target: SubscriptionState,
) -> Result<(), ApiError> {
    let canceling = Some(SubscriptionState::Canceling);
    if target != SubscriptionState::Canceling || before.state() == canceling {
        return Ok(());
    }
    let after = subscriptions::find(conn, &before.subscription_id())?;
    if after.state() != canceling {
        return Ok(());
    }
    crate::billing::notices::queue_canceled(conn, context.letters, &after, context.now)
}

/// `incomplete_expired`: the first invoice was never paid within 23 hours
/// (<https://docs.stripe.com/billing/subscriptions/overview#payment-window>),
/// so Stripe gave the subscription up. Nothing of ours was granted, but
/// the reader's checkout is still `open` and would block a new one:
/// end it, so the reader can start again.
fn end_unpaid_checkout(
    conn: &mut DbConnection,
    context: &Context<'_>,
    object: &Value,
) -> Result<(), ApiError> {
    let refs = Refs::default().with_metadata(fields::at(object, &["metadata"]));
    let Some(checkout) = refs.checkout.as_deref().and_then(CheckoutId::parse) else {
        tracing::info!(event = %context.event.id, "stripe gave up an unpaid subscription that names no checkout of ours");
        return Ok(());
    };
    let ended = checkouts::expire(conn, &checkout)?;
    tracing::info!(event = %context.event.id, %checkout, ended, "stripe gave up the unpaid subscription of a checkout");
    Ok(())
}

/// The state a snapshot asks for; `None` for statuses that change nothing
/// of ours (`incomplete`: not paid yet; `incomplete_expired`: never paid,
/// so there is no subscription of ours to end, only its checkout:
/// [`end_unpaid_checkout`]). Stripe's statuses
/// (<https://docs.stripe.com/billing/subscriptions/overview#subscription-statuses>):
/// each has its own state. `unpaid` (the retries ran out) grants nothing
/// but is not terminal: paying the open invoice makes it `active` again.
/// `paused` (a trial ended without a payment method, or Stripe's pause
/// endpoint, <https://docs.stripe.com/billing/subscriptions/pause>)
/// grants nothing until Stripe resumes it. `trialing` grants access until
/// the trial ends (a trial is not a payment); cancelled during the trial,
/// it is `canceling` like a paid one.
fn target(object: &Value, status: Option<&str>, deleted: bool) -> Option<SubscriptionState> {
    if deleted {
        return Some(SubscriptionState::Expired);
    }
    let canceling = fields::flag(object, &["cancel_at_period_end"]).unwrap_or(false)
        || fields::int(object, &["cancel_at"]).is_some();
    match status? {
        "active" | "trialing" if canceling => Some(SubscriptionState::Canceling),
        "active" => Some(SubscriptionState::Active),
        "trialing" => Some(SubscriptionState::Trialing),
        "past_due" => Some(SubscriptionState::PastDue),
        "unpaid" => Some(SubscriptionState::Unpaid),
        "paused" => Some(SubscriptionState::Paused),
        "canceled" => Some(SubscriptionState::Expired),
        _ => None,
    }
}

/// The current period: from the items (API versions since 2025-03), else
/// the subscription's own fields (older versions).
fn period(object: &Value) -> Option<(NaiveDateTime, NaiveDateTime)> {
    let items = fields::list(object, &["items"]);
    let start = items
        .iter()
        .filter_map(|item| fields::time(item, &["current_period_start"]))
        .min()
        .or_else(|| fields::time(object, &["current_period_start"]))?;
    let end = items
        .iter()
        .filter_map(|item| fields::time(item, &["current_period_end"]))
        .max()
        .or_else(|| fields::time(object, &["current_period_end"]))?;
    (end > start).then_some((start, end))
}

fn changes_for(
    context: &Context<'_>,
    row: &SubscriptionRow,
    target: SubscriptionState,
    mut changes: SubscriptionChanges,
    ended_at: Option<NaiveDateTime>,
) -> SubscriptionChanges {
    let from = row.state();
    match target {
        SubscriptionState::PastDue if from != Some(SubscriptionState::PastDue) => {
            changes.grace_ends_at = Some(Some(context.at + context.grace));
        }
        SubscriptionState::Active | SubscriptionState::Trialing => {
            changes.grace_ends_at = Some(None);
            changes.cancel_reason = Some(None);
        }
        SubscriptionState::Expired => {
            changes.ended_at = Some(Some(ended_at.unwrap_or(context.now)));
        }
        _ => {}
    }
    changes
}
