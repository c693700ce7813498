//! `invoice.payment_failed` and `invoice.payment_action_required`: a
//! renewal Stripe could not charge. A failure starts the grace window
//! (`past_due`) and tells the reader, with the invoice's hosted page where
//! they fix it; an action required (3-D Secure) keeps that page on the
//! subscription until the invoice is paid.

use super::invoice::refs;
use super::{Context, apply, fields, link};
use crate::billing::notices;
use crate::db::DbConnection;
use crate::db::payments;
use crate::db::subscriptions::{SubscriptionChanges, SubscriptionRow, provider};
use crate::domain::SubscriptionState;
use crate::error::ApiError;
use serde_json::Value;

/// Moves an `active` subscription to `past_due` with the grace window;
/// further failures of the same renewal keep the window as it is.
pub fn payment_failed(conn: &mut DbConnection, context: &mut Context<'_>) -> Result<(), ApiError> {
    let invoice = context.event.object.clone();
    let Some(row) = link::find(conn, &refs(&invoice))? else {
        tracing::info!(event = %context.event.id, "stripe invoice failed before any subscription of ours; the checkout stays open");
        return Ok(());
    };
    keep_action_url(conn, &row, &invoice)?;
    if apply::is_stale(conn, context, &row)? {
        return Ok(());
    }
    let state = row.state();
    // A renewal, or the first invoice after a trial, that failed.
    if matches!(
        state,
        Some(SubscriptionState::Active | SubscriptionState::Trialing)
    ) {
        let changes = SubscriptionChanges {
            grace_ends_at: Some(Some(context.at + context.grace)),
            ..SubscriptionChanges::default()
        };
        apply::move_to(conn, context, &row, SubscriptionState::PastDue, &changes)?;
    }
    // Each failed attempt of a subscription that still grants (or is in
    // dunning) tells the reader, with the link that fixes it.
    if matches!(
        state,
        Some(
            SubscriptionState::Active
                | SubscriptionState::Trialing
                | SubscriptionState::PastDue
                | SubscriptionState::Unpaid
        )
    ) {
        tell_payment_failed(conn, context, &row, &invoice)?;
    }
    apply::remember(conn, context, &row)
}

/// Queues the failed-payment email: the amount due
/// (<https://docs.stripe.com/api/invoices/object#invoice_object-amount_due>)
/// and the invoice's hosted page, where the reader pays it with another
/// card or completes 3-D Secure
/// (<https://docs.stripe.com/api/invoices/object#invoice_object-hosted_invoice_url>),
/// or, without one, their account page (the billing portal).
fn tell_payment_failed(
    conn: &mut DbConnection,
    context: &Context<'_>,
    row: &SubscriptionRow,
    invoice: &Value,
) -> Result<(), ApiError> {
    let previous = payments::for_subscription(conn, &row.subscription_id())?.pop();
    let amount = fields::int(invoice, &["amount_due"])
        .or(previous.as_ref().map(|p| p.amount_cents))
        .unwrap_or(0);
    let currency = fields::text(invoice, &["currency"])
        .map(str::to_owned)
        .or(previous.map(|p| p.currency))
        .unwrap_or_default();
    let url = fields::text(invoice, &["hosted_invoice_url"]);
    notices::queue_payment_failed(conn, context.letters, row, (amount, &currency), url)
}

/// `invoice.payment_action_required` (3-D Secure on a renewal): the
/// reader must confirm the payment on the invoice's hosted page, which is
/// kept on the subscription until the invoice is paid
/// (<https://docs.stripe.com/billing/subscriptions/overview#requires-action>).
/// The status change, if any, comes with the subscription's own event.
pub fn payment_action_required(
    conn: &mut DbConnection,
    context: &mut Context<'_>,
) -> Result<(), ApiError> {
    let invoice = context.event.object.clone();
    let Some(row) = link::find(conn, &refs(&invoice))? else {
        tracing::info!(event = %context.event.id, "stripe invoice needs the reader's action before any subscription of ours; the checkout stays open");
        return Ok(());
    };
    keep_action_url(conn, &row, &invoice)?;
    context.touch(&row.reader_id);
    Ok(())
}

/// Keeps the invoice's hosted page (`hosted_invoice_url`) on the
/// subscription, unless the invoice is paid already.
fn keep_action_url(
    conn: &mut DbConnection,
    row: &SubscriptionRow,
    invoice: &Value,
) -> Result<(), ApiError> {
    if fields::text(invoice, &["status"]) == Some("paid") {
        return Ok(());
    }
    if let Some(url) = fields::text(invoice, &["hosted_invoice_url"]) {
        provider::set_payment_action_url(conn, &row.subscription_id(), Some(url))?;
    }
    Ok(())
}
