//! Refunds made at Stripe (the dashboard, or any refund we did not start):
//! `charge.refunded` (the charge with its running `amount_refunded`) and
//! `refund.*` / `charge.refund.*` (one refund). Each is recorded once in
//! `refunds`, keyed by Stripe's refund id; money `charge.refunded` reports
//! without naming the refund is recorded unnamed and named when the
//! refund's own event arrives, so it never counts twice. A payment
//! refunded in full ends the subscription at once (`refunded`), as a
//! staff refund does.

use super::{Context, PROVIDER, apply, fields};
use crate::db::payments::PaymentRow;
use crate::db::refunds::{self, NewRefund};
use crate::db::subscriptions::{self, SubscriptionChanges};
use crate::db::{DbConnection, provider_payments};
use crate::domain::{SubscriptionId, SubscriptionState};
use crate::error::ApiError;
use serde_json::Value;

/// Records the charge's refunds and ends access on a full refund.
pub fn charge_refunded(conn: &mut DbConnection, context: &mut Context<'_>) -> Result<(), ApiError> {
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
        tracing::warn!(event = %context.event.id, "stripe refund of a charge Masthead did not record; ignored");
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
        tracing::warn!(event = %context.event.id, "stripe refund of a payment Masthead did not record; ignored");
        return Ok(());
    };
    record(conn, context, &payment, &refund)?;
    end_if_refunded_in_full(conn, context, &payment.id)
}

fn find_payment(
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
    match customer {
        Some(customer) => Ok(provider_payments::newest_for_customer(
            conn, PROVIDER, customer,
        )?),
        None => Ok(None),
    }
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
            actor: super::ACTOR,
            created_at: context.now,
        },
    )?;
    Ok(())
}

/// A payment refunded in full ends its subscription: `refunded`, now.
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
    if row
        .state()
        .is_some_and(|state| state.can_become(SubscriptionState::Refunded))
    {
        let changes = SubscriptionChanges {
            ended_at: Some(Some(context.now)),
            ..SubscriptionChanges::default()
        };
        apply::move_to(conn, context, &row, SubscriptionState::Refunded, &changes)?;
    }
    Ok(())
}
