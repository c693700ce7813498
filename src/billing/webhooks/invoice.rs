//! `invoice.paid` and `invoice_payment.paid` (the unpaid ones are
//! [`super::invoice_unpaid`]'s). A paid invoice is money received: it is
//! recorded (once, keyed by its invoice and payment intent) whatever the
//! subscription's state, extends the period it pays for, brings a
//! `past_due` subscription back to `active`, and gets its receipt (a
//! renewal's here; the first payment's with the checkout's completion).
//! The subscription is found by Stripe's id or by the metadata the
//! invoice carries (`parent.subscription_details`); a first invoice paid
//! before the session's event completes the checkout.
//!
//! Since API version 2025-03-31 (basil) an invoice names neither its
//! payment intent nor its charge
//! (<https://docs.stripe.com/changelog/basil/2025-03-31/add-support-for-multiple-partial-payments-on-invoices>):
//! they are on the invoice's payments, which an event never expands. A
//! payment recorded without them is therefore followed up (the invoice
//! retrieved with `expand[]=payments` after the webhook is answered), and
//! `invoice_payment.paid`, whenever it arrives, names them too. A $0
//! invoice (a trial) is not a payment; an amount outside a sane range is
//! not booked.

use super::link::{self, PaymentFacts, Refs};
use super::{Context, PROVIDER, apply, fields};
use crate::billing::follow_ups::{self, FollowUp, FollowUpKind};
use crate::billing::notices;
use crate::db::DbConnection;
use crate::db::payments::{self, NewPayment};
use crate::db::provider_payments::{self, PaymentCorrection};
use crate::db::reader_money;
use crate::db::subscriptions::{SubscriptionChanges, SubscriptionRow, provider};
use crate::domain::{PaymentId, SubscriptionState, sane_amount};
use crate::error::ApiError;
use chrono::NaiveDateTime;
use serde_json::Value;

/// Records the payment, extends the period, recovers a `past_due`.
pub fn paid(conn: &mut DbConnection, context: &mut Context<'_>) -> Result<(), ApiError> {
    let invoice = context.event.object.clone();
    let refs = refs(&invoice);
    if refs.subscription.is_none() && refs.checkout.is_none() {
        tracing::info!(event = %context.event.id, "stripe invoice is not for a subscription; ignored");
        return Ok(());
    }
    let facts = facts(&invoice);
    if let (Some(amount), Some(currency)) = (facts.amount, facts.currency.as_deref())
        && !sane_amount(amount, currency)
    {
        tracing::error!(event = %context.event.id, amount, currency, "stripe invoice paid with an amount outside the sane range; not booked, nothing changed");
        return Ok(());
    }
    let row = match link::find(conn, &refs)? {
        Some(row) => row,
        None => match link::complete(conn, context, &refs, &facts)? {
            Some(row) => row,
            None => return Ok(()),
        },
    };
    let mut renewal = None;
    if facts.amount == Some(0) {
        tracing::info!(event = %context.event.id, subscription = %row.id, "stripe invoice of $0 (a trial): not a payment");
    } else {
        renewal = record_payment(conn, &row, &facts, context.now)?;
        record_invoice_details(conn, &invoice)?;
        follow_up_if_unnamed(conn, context, &row, &facts)?;
        // Money taken for a duplicate goes back too, once per payment.
        super::duplicate::undo(conn, context, &row)?;
    }
    provider::set_payment_action_url(conn, &row.subscription_id(), None)?;
    let stale = apply::is_stale(conn, context, &row)?;
    if !stale {
        follow_payment(conn, context, &row, &facts)?;
    }
    // A payment this event recorded (a renewal: the first payment's receipt
    // went with the checkout's completion) gets its receipt, once the
    // period it pays for is applied.
    if let Some(payment) = renewal
        && row.duplicate_of.is_none()
    {
        notices::queue_receipt(conn, context.letters, &payment, &facts.invoice_facts())?;
    }
    if stale {
        return Ok(());
    }
    apply::remember(conn, context, &row)
}

/// Extends the period the invoice paid for and moves the subscription
/// back to `active` where the payment ends dunning or a trial.
fn follow_payment(
    conn: &mut DbConnection,
    context: &mut Context<'_>,
    row: &SubscriptionRow,
    facts: &PaymentFacts,
) -> Result<(), ApiError> {
    let changes = apply::extend_period(conn, row, facts.period, SubscriptionChanges::default())?;
    match row.state() {
        // Paid at last: dunning (`past_due`, `unpaid`) is over, or a
        // trial's first real invoice is paid.
        Some(SubscriptionState::PastDue | SubscriptionState::Unpaid) => {
            let changes = SubscriptionChanges {
                grace_ends_at: Some(None),
                ..changes
            };
            apply::move_to(conn, context, row, SubscriptionState::Active, &changes)?;
        }
        Some(SubscriptionState::Trialing) if facts.amount != Some(0) => {
            apply::move_to(conn, context, row, SubscriptionState::Active, &changes)?;
        }
        Some(SubscriptionState::Trialing) => {
            apply::move_to(conn, context, row, SubscriptionState::Trialing, &changes)?;
        }
        Some(state @ (SubscriptionState::Active | SubscriptionState::Canceling)) => {
            apply::move_to(conn, context, row, state, &changes)?;
        }
        state => {
            tracing::warn!(event = %context.event.id, subscription = %row.id, ?state, "stripe invoice paid for a subscription that grants nothing; recorded for staff");
        }
    }
    Ok(())
}

/// Queues the retrieval of the invoice's payments when the event did not
/// name its payment intent (every `invoice.paid` since basil).
fn follow_up_if_unnamed(
    conn: &mut DbConnection,
    context: &Context<'_>,
    row: &SubscriptionRow,
    facts: &PaymentFacts,
) -> Result<(), ApiError> {
    let Some(invoice) = facts.invoice.as_deref() else {
        return Ok(());
    };
    let Some(payment) = provider_payments::find_by_invoice(conn, PROVIDER, invoice)? else {
        return Ok(());
    };
    if !provider_payments::keyed_by_invoice(&payment) {
        return Ok(());
    }
    let reason = context.reason();
    follow_ups::queue(
        conn,
        &FollowUp {
            event: &context.event.id,
            kind: FollowUpKind::LearnInvoicePayment,
            target: invoice,
            subscription: Some(&row.id),
            reason: &reason,
        },
        context.now,
    )
}

/// Learns the payment intent behind an invoice already recorded under the
/// invoice's id (API versions since 2025-03 name it only here), so later
/// refunds and disputes of that charge find the payment.
pub fn invoice_payment_paid(
    conn: &mut DbConnection,
    context: &mut Context<'_>,
) -> Result<(), ApiError> {
    let object = &context.event.object;
    let Some(invoice) = fields::id(object, &["invoice"]) else {
        return Ok(());
    };
    let facts = PaymentFacts {
        amount: fields::int(object, &["amount_paid"]),
        currency: fields::text(object, &["currency"]).map(str::to_owned),
        invoice: Some(invoice.to_owned()),
        payment: fields::id(object, &["payment", "payment_intent"])
            .or_else(|| fields::id(object, &["payment", "charge"]))
            .map(str::to_owned),
        charge: fields::id(object, &["payment", "charge"]).map(str::to_owned),
        period: None,
        paid_at: fields::time(object, &["status_transitions", "paid_at"]),
        ..PaymentFacts::default()
    };
    if let Some(payment) = provider_payments::find_by_invoice(conn, PROVIDER, invoice)? {
        correct(conn, &payment, &facts)?;
    }
    Ok(())
}

/// Keeps the invoice's tax (`total` minus `total_excluding_tax`) and its
/// hosted page (`hosted_invoice_url`) for the reader's payment history
/// (<https://docs.stripe.com/api/invoices/object>).
fn record_invoice_details(conn: &mut DbConnection, invoice: &Value) -> Result<(), ApiError> {
    let Some(id) = fields::text(invoice, &["id"]) else {
        return Ok(());
    };
    let tax = fields::int(invoice, &["total"])
        .zip(fields::int(invoice, &["total_excluding_tax"]))
        .map(|(total, untaxed)| total - untaxed)
        .filter(|tax| *tax >= 0);
    let url = fields::text(invoice, &["hosted_invoice_url"]);
    reader_money::record_invoice_details(conn, PROVIDER, id, tax, url)?;
    Ok(())
}

pub(super) fn refs(invoice: &Value) -> Refs {
    let details = fields::at(invoice, &["parent", "subscription_details"])
        .or_else(|| fields::at(invoice, &["subscription_details"]));
    let line_metadata = fields::list(invoice, &["lines"]).iter().find_map(|line| {
        fields::at(line, &["metadata"]).filter(|m| fields::text(m, &["checkout_id"]).is_some())
    });
    Refs {
        subscription: fields::id(invoice, &["subscription"])
            .or_else(|| details.and_then(|d| fields::id(d, &["subscription"])))
            .map(str::to_owned),
        customer: fields::id(invoice, &["customer"]).map(str::to_owned),
        ..Refs::default()
    }
    .with_metadata(details.and_then(|d| fields::at(d, &["metadata"])))
    .with_metadata(line_metadata)
}

fn facts(invoice: &Value) -> PaymentFacts {
    let payments = fields::list(invoice, &["payments"]);
    let paid_with = payments.iter().find_map(|payment| {
        fields::id(payment, &["payment", "payment_intent"])
            .or_else(|| fields::id(payment, &["payment", "charge"]))
    });
    let charge = payments
        .iter()
        .find_map(|payment| fields::id(payment, &["payment", "charge"]))
        .or_else(|| fields::id(invoice, &["charge"]));
    PaymentFacts {
        amount: fields::int(invoice, &["amount_paid"]).or_else(|| fields::int(invoice, &["total"])),
        currency: fields::text(invoice, &["currency"]).map(str::to_owned),
        invoice: fields::text(invoice, &["id"]).map(str::to_owned),
        payment: paid_with
            .or_else(|| fields::id(invoice, &["payment_intent"]))
            .or_else(|| fields::id(invoice, &["charge"]))
            .map(str::to_owned),
        charge: charge.map(str::to_owned),
        period: period(invoice),
        paid_at: fields::time(invoice, &["status_transitions", "paid_at"]),
        trial: false,
        invoice_number: fields::text(invoice, &["number"]).map(str::to_owned),
        invoice_url: fields::text(invoice, &["hosted_invoice_url"]).map(str::to_owned),
    }
}

/// The service period the invoice's lines pay for.
fn period(invoice: &Value) -> Option<(NaiveDateTime, NaiveDateTime)> {
    let lines = fields::list(invoice, &["lines"]);
    let start = lines
        .iter()
        .filter_map(|l| fields::time(l, &["period", "start"]))
        .min()?;
    let end = lines
        .iter()
        .filter_map(|l| fields::time(l, &["period", "end"]))
        .max()?;
    (end > start).then_some((start, end))
}

/// Records the invoice's payment on `row` unless it is recorded already
/// (then only learns its payment intent); returns the payment when this
/// call recorded it. A paid invoice without an amount or currency
/// (malformed) is still recorded, with the subscription's previous
/// payment's, and logged.
fn record_payment(
    conn: &mut DbConnection,
    row: &SubscriptionRow,
    facts: &PaymentFacts,
    now: NaiveDateTime,
) -> Result<Option<PaymentId>, ApiError> {
    if let Some(invoice) = facts.invoice.as_deref()
        && let Some(payment) = provider_payments::find_by_invoice(conn, PROVIDER, invoice)?
    {
        return correct(conn, &payment, facts).map(|()| None);
    }
    let Some(key) = facts.key() else {
        tracing::error!(subscription = %row.id, "stripe invoice paid without an id; not recorded");
        return Ok(None);
    };
    if provider_payments::find_by_payment_ids(conn, PROVIDER, &[key])?.is_some() {
        return Ok(None);
    }
    let previous = payments::for_subscription(conn, &row.subscription_id())?.pop();
    let amount = facts
        .amount
        .filter(|amount| *amount >= 0)
        .or(previous.as_ref().map(|p| p.amount_cents));
    let currency = facts.currency.clone().or(previous.map(|p| p.currency));
    let (Some(amount), Some(currency)) = (amount, currency) else {
        tracing::error!(subscription = %row.id, payment = key, "stripe invoice paid without amount or currency; not recorded");
        return Ok(None);
    };
    if facts.amount.is_none() || facts.currency.is_none() {
        tracing::warn!(subscription = %row.id, payment = key, "stripe invoice without amount or currency; recorded with the previous payment's");
    }
    let id = PaymentId::generate();
    payments::insert(
        conn,
        &NewPayment {
            id: id.as_str(),
            subscription_id: &row.id,
            reader_id: &row.reader_id,
            amount_cents: amount,
            currency: &currency.to_ascii_lowercase(),
            provider: PROVIDER,
            provider_payment_id: key,
            provider_invoice_id: facts.invoice.as_deref(),
            paid_at: facts.paid_at.unwrap_or(now).min(now),
            created_at: now,
        },
    )?;
    if facts.charge.is_some() {
        provider_payments::learn_ids(conn, id.as_str(), None, facts.charge.as_deref())?;
    }
    Ok(Some(id))
}

/// Replaces what a payment recorded from a session or subscription event
/// (its invoice as its id, the checkout's quote) by the invoice's facts.
fn correct(
    conn: &mut DbConnection,
    payment: &payments::PaymentRow,
    facts: &PaymentFacts,
) -> Result<(), ApiError> {
    // Without the payment intent (basil's events), the amount and time
    // are still the invoice's; the intent follows.
    let key = facts
        .payment
        .as_deref()
        .unwrap_or(&payment.provider_payment_id);
    let correction = PaymentCorrection {
        provider_payment_id: key,
        amount_cents: facts
            .amount
            .filter(|a| *a >= 0)
            .unwrap_or(payment.amount_cents),
        currency: facts.currency.as_deref().unwrap_or(&payment.currency),
        paid_at: facts.paid_at.unwrap_or(payment.paid_at),
    };
    provider_payments::correct_from_invoice(conn, &payment.id, &correction)?;
    provider_payments::learn_ids(
        conn,
        &payment.id,
        facts.payment.as_deref(),
        facts.charge.as_deref(),
    )?;
    Ok(())
}
