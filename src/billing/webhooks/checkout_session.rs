//! `checkout.session.completed` (and `.async_payment_succeeded`, for
//! payment methods that settle later): the reader paid on Stripe's page.
//! The session names our checkout (`client_reference_id`), the Stripe
//! subscription and customer, and the first invoice, which is the key the
//! payment is recorded under until `invoice.paid` names its payment intent.

use super::link::{self, PaymentFacts, Refs};
use super::{Context, fields};
use crate::db::DbConnection;
use crate::error::ApiError;

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
    };
    link::complete(conn, context, &refs, &facts)?;
    Ok(())
}
