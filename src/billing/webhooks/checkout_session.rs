//! `checkout.session.completed` (and `.async_payment_succeeded`, for
//! payment methods that settle later): the reader paid on Stripe's page.
//! The session names our checkout (`client_reference_id`), the Stripe
//! subscription and customer, and the first invoice, which is the key the
//! payment is recorded under until `invoice.paid` names its payment intent.
//! A session in `payment` mode is a gift's one-time payment; one that
//! expired unpaid (`checkout.session.expired`) ends the gift's checkout.

use super::link::{self, PaymentFacts, Refs};
use super::{Context, fields};
use crate::billing::offers::one_trial_per_card::{self, Cause};
use crate::billing::provider::StripeProvider;
use crate::db::{self, DbConnection, readers::ProfileChanges};
use crate::domain::{CheckoutId, GiftId, GiftStatus, ReaderId, ShippingAddress};
use crate::error::ApiError;
use serde_json::Value;

/// Completes the checkout if the session is a paid subscription.
pub fn completed(conn: &mut DbConnection, context: &mut Context<'_>) -> Result<(), ApiError> {
    let session = &context.event.object;
    let event = &context.event.id;
    let payment_status = fields::text(session, &["payment_status"]);
    if !matches!(payment_status, Some("paid" | "no_payment_required")) {
        tracing::info!(%event, ?payment_status, "stripe checkout session not paid yet; waiting");
        return Ok(());
    }
    if fields::text(session, &["mode"]) == Some("payment") {
        return gift_paid(conn, context);
    }
    if fields::text(session, &["mode"]).is_some_and(|mode| mode != "subscription") {
        tracing::info!(%event, "stripe checkout session is neither a subscription nor a gift; ignored");
        return Ok(());
    }
    let refs = Refs {
        checkout: fields::text(session, &["client_reference_id"]).map(str::to_owned),
        subscription: fields::id(session, &["subscription"]).map(str::to_owned),
        customer: fields::id(session, &["customer"]).map(str::to_owned),
        ..Refs::default()
    }
    .with_metadata(fields::at(session, &["metadata"]));
    let facts = PaymentFacts {
        amount: fields::int(session, &["amount_total"]),
        currency: fields::text(session, &["currency"]).map(str::to_owned),
        invoice: fields::id(session, &["invoice"]).map(str::to_owned),
        payment: fields::id(session, &["payment_intent"]).map(str::to_owned),
        period: None,
        paid_at: None,
        ..PaymentFacts::default()
    };
    link::complete(conn, context, &refs, &facts)?;
    if let Some(customer) = refs.customer.as_deref() {
        trial_marked_for(conn, context, customer)?;
    }
    keep_shipping_address(conn, session, refs.checkout.as_deref())
}

/// A trial the completion marked may be the second on a card Stripe has
/// already shown us (`payment_method.attached` usually comes first).
fn trial_marked_for(
    conn: &mut DbConnection,
    context: &Context<'_>,
    customer: &str,
) -> Result<(), ApiError> {
    let Some(reader) = db::reader_cards::reader_of_customer(conn, StripeProvider::NAME, customer)?
    else {
        return Ok(());
    };
    let reason = context.reason();
    let cause = Cause {
        event: &context.event.id,
        reason: &reason,
        now: context.now,
    };
    one_trial_per_card::trial_marked(conn, &reader, &cause)
}

/// A `payment`-mode session is a gift's one-time payment
/// (<https://docs.stripe.com/api/checkout/sessions/object>): the gift is
/// named by `client_reference_id` (or `metadata.gift_id`), paid by the
/// session's `payment_intent`, for `amount_total` in `currency`. A session
/// naming no gift of ours is logged and recorded as handled.
fn gift_paid(conn: &mut DbConnection, context: &mut Context<'_>) -> Result<(), ApiError> {
    let session = &context.event.object;
    let event = &context.event.id;
    let named = named_gift(session);
    let payment = fields::id(session, &["payment_intent"]);
    let (Some(gift), Some(payment)) = (named, payment) else {
        tracing::warn!(%event, "stripe payment session names no gift; ignored");
        return Ok(());
    };
    let reported =
        fields::int(session, &["amount_total"]).zip(fields::text(session, &["currency"]));
    let paid = crate::billing::gifts::complete_paid_gift(
        conn,
        context.letters,
        &gift,
        payment,
        reported,
        context.now,
    )?;
    if paid.is_some() {
        return Ok(());
    }
    match crate::db::gifts::find(conn, &gift)?.and_then(|row| row.status()) {
        Some(GiftStatus::Expired) => {
            tracing::error!(%event, %gift, payment, "stripe reports a payment for a gift whose checkout expired; not recorded: refund it at stripe");
        }
        status => {
            tracing::info!(%event, %gift, ?status, "stripe reported a gift not open (paid already, or unknown)");
        }
    }
    Ok(())
}

/// `checkout.session.expired`
/// (<https://docs.stripe.com/api/events/types#event_types-checkout.session.expired>):
/// a gift's payment page (`payment` mode) timed out unpaid, so the gift
/// becomes `expired` (conditional on `open`) and can no longer be paid; a
/// later `checkout.session.completed` for it is logged and ignored. A
/// reader's checkout is left to the `expire_checkouts` sweep, as before.
pub fn expired(conn: &mut DbConnection, context: &mut Context<'_>) -> Result<(), ApiError> {
    let session = &context.event.object;
    let event = &context.event.id;
    if fields::text(session, &["mode"]) != Some("payment") {
        tracing::info!(%event, "a reader's stripe checkout session expired; the sweep expires it");
        return Ok(());
    }
    let Some(gift) = named_gift(session) else {
        tracing::warn!(%event, "expired stripe payment session names no gift; ignored");
        return Ok(());
    };
    let expired = crate::db::gifts::expire(conn, &gift)?;
    tracing::info!(%event, %gift, expired, "stripe gift checkout expired unpaid");
    Ok(())
}

/// The gift a `payment`-mode session names: `client_reference_id`, or
/// `metadata.gift_id`.
fn named_gift(session: &Value) -> Option<GiftId> {
    fields::text(session, &["client_reference_id"])
        .or_else(|| fields::text(session, &["metadata", "gift_id"]))
        .and_then(GiftId::parse)
}

/// A print checkout collects the mailing address on Stripe's page: keep it
/// on the reader, where the print mailing list reads it. A missing or
/// invalid address is logged and skipped; it never blocks the payment.
fn keep_shipping_address(
    conn: &mut DbConnection,
    session: &Value,
    checkout: Option<&str>,
) -> Result<(), ApiError> {
    let Some(address) = fields::at(
        session,
        &["collected_information", "shipping_details", "address"],
    )
    .or_else(|| fields::at(session, &["shipping_details", "address"])) else {
        return Ok(());
    };
    let text = |key: &str| fields::text(address, &[key]).map(str::to_owned);
    let collected = ShippingAddress {
        line1: text("line1").unwrap_or_default(),
        line2: text("line2"),
        city: text("city").unwrap_or_default(),
        region: text("state"),
        postal_code: text("postal_code").unwrap_or_default(),
        country: text("country").unwrap_or_default(),
    };
    let Ok(address) = ShippingAddress::parse(collected) else {
        tracing::info!("the checkout session carries no complete shipping address; none kept");
        return Ok(());
    };
    let Some(checkout) = checkout.and_then(CheckoutId::parse) else {
        return Ok(());
    };
    let Some(row) = db::checkouts::find(conn, &checkout)? else {
        return Ok(());
    };
    let mut changes = ProfileChanges::default();
    changes.set_address(Some(address));
    changes.updated_at = Some(chrono::Utc::now().naive_utc());
    db::readers::update_profile(conn, &ReaderId::from_db(row.reader_id), &changes)?;
    Ok(())
}
