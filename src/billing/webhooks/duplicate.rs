//! A second paid subscription at Stripe for a reader who already has a
//! renewing one: two Checkout Sessions opened before either was paid (two
//! tabs) can both complete, since Stripe knows nothing of our one
//! subscription per reader. Masthead refuses a second checkout while one
//! is open or a paid subscription renews, but a session opened earlier can
//! still be paid.
//!
//! The duplicate is recorded as a subscription of its own in the state
//! `duplicate` (not as a side row): its payment, refund, Stripe ids,
//! follow-ups and audit events then live where staff already look (the
//! reader view lists them per subscription), the refund matching by
//! payment intent finds its payment like any other, and the state machine
//! keeps it from ever granting access or being revived by a later event.
//!
//! Undoing it at Stripe happens after the webhook is answered, through the
//! durable follow-ups, each once per object (its id is the Stripe
//! `Idempotency-Key`, so neither a replayed event nor another event of the
//! same subscription cancels or refunds twice):
//! - cancel the Stripe subscription now
//!   (<https://docs.stripe.com/api/subscriptions/cancel>: `DELETE
//!   /v1/subscriptions/{id}`, nothing renews);
//! - refund each of its payments in full
//!   (<https://docs.stripe.com/api/refunds/create>: `POST /v1/refunds` with
//!   the `payment_intent` or `charge`;
//!   <https://docs.stripe.com/api/idempotent_requests> for the key).

use super::{Context, apply, link::PaymentFacts, link::Refs};
use crate::billing::complete_checkout_as_duplicate;
use crate::billing::follow_ups::{self, FollowUp, FollowUpKind};
use crate::db::DbConnection;
use crate::db::checkouts::CheckoutRow;
use crate::db::payments;
use crate::db::subscriptions::{SubscriptionRow, provider};
use crate::domain::{CheckoutId, ReaderId, SubscriptionState};
use crate::error::ApiError;
use chrono::NaiveDateTime;
use diesel::Connection;

/// Records the checkout `refs` names as a `duplicate` subscription with
/// its payment and queues its cancellation and refund at Stripe. `None`
/// when the checkout cannot be completed at all (it expired first).
pub fn record(
    conn: &mut DbConnection,
    context: &mut Context<'_>,
    refs: &Refs,
    facts: &PaymentFacts,
    checkout: &CheckoutRow,
    at: NaiveDateTime,
) -> Result<Option<SubscriptionRow>, ApiError> {
    let id = CheckoutId::from_db(checkout.id.clone());
    let reader = ReaderId::from_db(checkout.reader_id.clone());
    let completion = conn.transaction(|conn| {
        complete_checkout_as_duplicate(
            conn,
            context.letters,
            &id,
            &reader,
            super::PROVIDER,
            &super::actor(),
            at,
            |checkout| facts.paid(refs, checkout, at),
        )
    })?;
    let Some(row) = completion.subscription() else {
        return Ok(None);
    };
    provider::link_provider_ids(
        conn,
        &row.subscription_id(),
        refs.customer.as_deref(),
        refs.subscription.as_deref(),
    )?;
    let row = apply::lock(conn, &row)?;
    tracing::error!(event = %context.event.id, subscription = %row.id, reader = %row.reader_id, "stripe reports a second paid subscription for a reader with a renewing one; recorded as duplicate, cancelled and refunded at stripe");
    undo(conn, context, &row)?;
    context.touch(&row.reader_id);
    Ok(Some(row))
}

/// Queues, once each, the cancellation of `row`'s Stripe subscription and
/// the refund of each of its payments not refunded yet. Nothing for a
/// subscription that is not a duplicate.
pub fn undo(
    conn: &mut DbConnection,
    context: &Context<'_>,
    row: &SubscriptionRow,
) -> Result<(), ApiError> {
    if row.state() != Some(SubscriptionState::Duplicate) {
        return Ok(());
    }
    let reason = format!("duplicate paid subscription ({})", context.reason());
    if let Some(stripe_subscription) = row.provider_subscription_id.as_deref() {
        follow_ups::queue_as(
            conn,
            &format!("{}:{}", row.id, FollowUpKind::CancelSubscription.as_str()),
            &FollowUp {
                event: &context.event.id,
                kind: FollowUpKind::CancelSubscription,
                target: stripe_subscription,
                subscription: Some(&row.id),
                reason: &reason,
            },
            context.now,
        )?;
    }
    for payment in payments::for_subscription(conn, &row.subscription_id())? {
        if payment.amount_cents <= payment.refunded_cents {
            continue;
        }
        follow_ups::queue_as(
            conn,
            &format!("{}:{}", payment.id, FollowUpKind::RefundPayment.as_str()),
            &FollowUp {
                event: &context.event.id,
                kind: FollowUpKind::RefundPayment,
                target: &payment.id,
                subscription: Some(&row.id),
                reason: &reason,
            },
            context.now,
        )?;
    }
    Ok(())
}
