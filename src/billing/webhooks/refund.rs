//! Refunds made at Stripe (the dashboard, or any refund we did not start):
//! `charge.refunded` (the charge with its running `amount_refunded`) and
//! `refund.*` / `charge.refund.*` (one refund). Each is recorded once in
//! `refunds`, keyed by Stripe's refund id; money `charge.refunded` reports
//! without naming the refund is recorded unnamed and named when the
//! refund's own event arrives, so it never counts twice.
//!
//! A refund of a gift's payment ends the gift ([`super::gift`]).
//!
//! A refund is matched to a payment only by its own payment intent or
//! charge (or, on API versions before basil, the charge's invoice), never
//! by "the customer's newest payment": a Stripe customer may have charges
//! that are not the magazine's (a shop, a donation), and refunding those
//! touches no subscription. One naming a payment intent we have not learnt
//! yet while an invoice's payment is still being looked up is answered 503,
//! so Stripe delivers it again once it is known.
//!
//! When no payment of the subscription's current period is left
//! unrefunded, the subscription ends at once (`refunded`, as a staff
//! refund does), the reader gets the refund email (Masthead sends it, so
//! Stripe's own refund emails are turned off: docs/operations/emails.md)
//! and, since Stripe would otherwise keep charging, its Stripe
//! subscription is cancelled by a follow-up. A full refund of an
//! older payment keeps access paid for since. `refund.failed` (and a
//! canceled refund, <https://docs.stripe.com/refunds#failed-refunds>)
//! undoes what the refund changed: the refund is taken off its payment and
//! access returns (until the period end when Stripe no longer renews).

use super::{Context, PROVIDER, apply, fields};
use crate::billing::follow_ups::{self, FollowUp, FollowUpKind};
use crate::billing::notices;
use crate::db::payments::PaymentRow;
use crate::db::refunds::{self, NewRefund};
use crate::db::subscriptions::{self, SubscriptionChanges};
use crate::db::{
    DbConnection, provider_follow_ups, provider_payments, refund_claims, refund_requests,
};
use crate::domain::{SubscriptionId, SubscriptionState, sane_amount};
use crate::error::ApiError;
use serde_json::Value;
use std::ops::Not;

/// Records the charge's refunds and ends access on a full refund.
pub fn charge_refunded(conn: &mut DbConnection, context: &mut Context<'_>) -> Result<(), ApiError> {
    if super::gift::refunded(conn, context)? {
        return Ok(());
    }
    let charge = context.event.object.clone();
    let ids = [
        fields::id(&charge, &["payment_intent"]),
        fields::text(&charge, &["id"]),
    ];
    let Some(payment) = find_payment(
        conn,
        &ids,
        fields::id(&charge, &["invoice"]),
        fields::id(&charge, &["customer"]),
    )?
    else {
        tracing::info!(event = %context.event.id, "stripe refund of a charge that is not a subscription payment of ours; ignored");
        return Ok(());
    };
    for refund in fields::list(&charge, &["refunds"]) {
        record(conn, context, &payment, refund)?;
    }
    let payment = provider_payments::find(conn, &payment.id)?;
    let reported = fields::int(&charge, &["amount_refunded"]).unwrap_or(0);
    let unnamed = reported.min(payment.amount_cents) - payment.refunded_cents;
    if unnamed > 0 {
        insert(conn, context, &payment, unnamed, None, None)?;
    }
    end_if_refunded_in_full(conn, context, &payment.id)
}

/// Records one refund (pending or succeeded) and ends access on a full
/// refund; a failed or canceled refund recorded earlier is logged for staff.
pub fn refund_changed(conn: &mut DbConnection, context: &mut Context<'_>) -> Result<(), ApiError> {
    let refund = context.event.object.clone();
    let ids = [
        fields::id(&refund, &["payment_intent"]),
        fields::id(&refund, &["charge"]),
    ];
    let Some(payment) = find_payment(conn, &ids, None, fields::id(&refund, &["customer"]))? else {
        tracing::info!(event = %context.event.id, "stripe refund of a charge that is not a subscription payment of ours; ignored");
        return Ok(());
    };
    if matches!(
        fields::text(&refund, &["status"]),
        Some("failed" | "canceled")
    ) {
        return reverse(conn, context, &payment, &refund);
    }
    record(conn, context, &payment, &refund)?;
    end_if_refunded_in_full(conn, context, &payment.id)
}

/// A refund that did not go through: the money stayed with us, so the
/// refund is taken off its payment, and a subscription it ended gets its
/// access back.
fn reverse(
    conn: &mut DbConnection,
    context: &mut Context<'_>,
    payment: &PaymentRow,
    refund: &Value,
) -> Result<(), ApiError> {
    let Some(id) = fields::text(refund, &["id"]) else {
        return Ok(());
    };
    let row = subscriptions::find(
        conn,
        &SubscriptionId::from_db(payment.subscription_id.clone()),
    )?;
    let row = apply::lock(conn, &row)?;
    let Some(undone) = refunds::reverse_by_provider_id(conn, id)? else {
        tracing::info!(event = %context.event.id, refund = id, "stripe refund failed that was never recorded; nothing to undo");
        return Ok(());
    };
    tracing::warn!(event = %context.event.id, refund = id, amount = undone.amount_cents, subscription = %row.id, "stripe refund failed; taken off its payment");
    if row.state() != Some(SubscriptionState::Refunded)
        || provider_payments::unrefunded_since(conn, &row.id, None)?.not()
    {
        return Ok(());
    }
    apply::reverse_refunded(conn, context, &row)
}

/// The payment a refund or dispute is of, by its own ids only; `None`
/// (logged by the caller) for a charge that is not a subscription
/// payment of ours. A 503 while the customer's invoice payment is still
/// being looked up (see the module's documentation).
pub(super) fn find_payment(
    conn: &mut DbConnection,
    ids: &[Option<&str>],
    invoice: Option<&str>,
    customer: Option<&str>,
) -> Result<Option<PaymentRow>, ApiError> {
    let ids: Vec<&str> = ids.iter().flatten().copied().collect();
    if let Some(payment) = provider_payments::find_by_payment_ids(conn, PROVIDER, &ids)? {
        return Ok(Some(payment));
    }
    if let Some(invoice) = invoice
        && let Some(payment) = provider_payments::find_by_invoice(conn, PROVIDER, invoice)?
    {
        return Ok(Some(payment));
    }
    if let Some(customer) = customer
        && provider_follow_ups::learning_pending_for_customer(conn, customer)?
    {
        return Err(ApiError::Unavailable {
            code: "payment_not_yet_known",
            detail: "the payment this event names may be one whose invoice is still being looked up at Stripe; deliver it again".to_owned(),
        });
    }
    Ok(None)
}

fn record(
    conn: &mut DbConnection,
    context: &Context<'_>,
    payment: &PaymentRow,
    refund: &Value,
) -> Result<(), ApiError> {
    let Some(id) = fields::text(refund, &["id"]) else {
        return Ok(());
    };
    let status = fields::text(refund, &["status"]);
    let known = refunds::find_by_provider_id(conn, id)?;
    if !matches!(status, Some("succeeded" | "pending") | None) {
        if known.is_some() {
            tracing::error!(
                refund = id,
                ?status,
                "a recorded stripe refund did not go through; needs staff"
            );
        }
        return Ok(());
    }
    let Some(amount) = fields::int(refund, &["amount"]).filter(|amount| *amount > 0) else {
        return Ok(());
    };
    if !sane_amount(amount, &payment.currency) {
        tracing::error!(
            refund = id,
            amount,
            "stripe refund with an amount outside the sane range; not booked"
        );
        return Ok(());
    }
    if known.is_some() || refunds::adopt_provider_id(conn, &payment.payment_id(), amount, id)? {
        return Ok(());
    }
    let payment = provider_payments::find(conn, &payment.id)?;
    let amount = amount.min(payment.amount_cents - payment.refunded_cents);
    if amount <= 0 {
        tracing::warn!(refund = id, payment = %payment.id, "stripe refund beyond the payment's amount; not recorded");
        return Ok(());
    }
    insert(
        conn,
        context,
        &payment,
        amount,
        Some(id),
        fields::text(refund, &["reason"]),
    )
}

fn insert(
    conn: &mut DbConnection,
    context: &Context<'_>,
    payment: &PaymentRow,
    amount: i64,
    provider_refund_id: Option<&str>,
    reason: Option<&str>,
) -> Result<(), ApiError> {
    let id = uuid::Uuid::now_v7().to_string();
    let reason = reason.map_or_else(
        || format!("refunded at Stripe ({})", context.reason()),
        |r| format!("{r} ({})", context.reason()),
    );
    refunds::insert(
        conn,
        &NewRefund {
            id: &id,
            payment_id: &payment.id,
            subscription_id: &payment.subscription_id,
            amount_cents: amount,
            currency: &payment.currency,
            provider: PROVIDER,
            provider_refund_id,
            reason: Some(&reason),
            actor: &super::actor(),
            created_at: context.now,
        },
    )?;
    Ok(())
}

/// When no payment of the subscription's current period is left
/// unrefunded, the subscription ends: `refunded`, now, the reader is told,
/// and its Stripe subscription is cancelled after the answer (unless a
/// staff refund, which does both itself, is under way or done).
fn end_if_refunded_in_full(
    conn: &mut DbConnection,
    context: &mut Context<'_>,
    payment: &str,
) -> Result<(), ApiError> {
    let payment = provider_payments::find(conn, payment)?;
    if payment.refunded_cents < payment.amount_cents {
        return Ok(());
    }
    let row = subscriptions::find(conn, &SubscriptionId::from_db(payment.subscription_id))?;
    let row = apply::lock(conn, &row)?;
    // Payments made since the period began (an hour's slack: a renewal
    // invoice is paid shortly after the period it opens starts).
    let since = row
        .current_period_start
        .map(|start| start - chrono::Duration::hours(1));
    if provider_payments::unrefunded_since(conn, &row.id, since)? {
        tracing::info!(event = %context.event.id, subscription = %row.id, "stripe refunded an older payment in full; the current period stays paid");
        return Ok(());
    }
    if !row
        .state()
        .is_some_and(|state| state.can_become(SubscriptionState::Refunded))
    {
        return Ok(());
    }
    let changes = SubscriptionChanges {
        ended_at: Some(Some(context.now)),
        ..SubscriptionChanges::default()
    };
    apply::move_to(conn, context, &row, SubscriptionState::Refunded, &changes)?;
    let note = format!("refunded at Stripe ({})", context.reason());
    refund_requests::close_for_subscription(conn, &row.id, &super::actor(), &note, context.now)?;
    // A staff refund under way (or done) tells the reader when it finishes.
    if refund_claims::find(conn, &row.id)?.is_some() {
        return Ok(());
    }
    notices::queue_refund_confirmed(
        conn,
        context.letters,
        &row.subscription_id(),
        notices::Told::Refund,
        context.now,
    )?;
    if let Some(stripe_subscription) = row.provider_subscription_id.as_deref() {
        let reason = context.reason();
        follow_ups::queue(
            conn,
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
    Ok(())
}
