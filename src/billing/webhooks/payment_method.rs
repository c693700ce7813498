//! `payment_method.attached`: a payment method was saved to a customer
//! (<https://docs.stripe.com/api/events/types#event_types-payment_method.attached>).
//! Its object is the whole PaymentMethod, the one event that carries a
//! card's `fingerprint`; Masthead keeps it to give one free trial per card
//! (`billing::offers::one_trial_per_card`). A method that is not a card,
//! or a customer that is not one of our readers, changes nothing.

use super::{Context, fields};
use crate::billing::offers::one_trial_per_card::{self, Cause};
use crate::billing::provider::StripeProvider;
use crate::db::{DbConnection, reader_cards};
use crate::error::ApiError;

/// Remembers the card for its reader and ends a repeated trial.
pub fn attached(conn: &mut DbConnection, context: &mut Context<'_>) -> Result<(), ApiError> {
    let method = &context.event.object;
    let event = &context.event.id;
    let Some(fingerprint) = fields::text(method, &["card", "fingerprint"]) else {
        tracing::info!(%event, "stripe payment method without a card fingerprint; ignored");
        return Ok(());
    };
    let Some(customer) = fields::id(method, &["customer"]) else {
        tracing::info!(%event, "stripe payment method attached to no customer; ignored");
        return Ok(());
    };
    let Some(reader) = reader_cards::reader_of_customer(conn, StripeProvider::NAME, customer)?
    else {
        tracing::info!(%event, %customer, "stripe payment method of a customer who is not a reader of ours; ignored");
        return Ok(());
    };
    let reason = context.reason();
    let cause = Cause {
        event,
        reason: &reason,
        now: context.now,
    };
    one_trial_per_card::card_seen(conn, &reader, fingerprint, &cause)
}
