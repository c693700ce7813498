//! `checkout.session.completed` (and `.async_payment_succeeded`, for
//! payment methods that settle later): the reader paid on Stripe's page.
//! The session names our checkout (`client_reference_id`), the Stripe
//! subscription and customer, and the first invoice, which is the key the
//! payment is recorded under until `invoice.paid` names its payment intent.

use super::link::{self, PaymentFacts, Refs};
use super::{Context, fields};
use crate::db::{self, DbConnection, readers::ProfileChanges};
use crate::domain::{CheckoutId, ReaderId, ShippingAddress};
use crate::error::ApiError;
use serde_json::Value;

/// Completes the checkout if the session is a paid subscription.
pub fn completed(conn: &mut DbConnection, context: &mut Context<'_>) -> Result<(), ApiError> {
    let session = &context.event.object;
    let event = &context.event.id;
    if fields::text(session, &["mode"]).is_some_and(|mode| mode != "subscription") {
        tracing::info!(%event, "stripe checkout session is not a subscription; ignored");
        return Ok(());
    }
    let payment_status = fields::text(session, &["payment_status"]);
    if !matches!(payment_status, Some("paid" | "no_payment_required")) {
        tracing::info!(%event, ?payment_status, "stripe checkout session not paid yet; waiting");
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
    keep_shipping_address(conn, session, refs.checkout.as_deref())
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
