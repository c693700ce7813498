//! Paying a development checkout: the reader's confirmation stands in for
//! the money, and the checkout completes through
//! [`complete_checkout`], the one place both providers' checkouts become
//! subscriptions (Stripe's webhooks call it too). This is billing's rule,
//! not the development provider's: the provider only talks to the outside
//! world, and for the development provider that world is empty.

use super::activation::{Completion, Paid, complete_checkout};
use super::provider::DevProvider;
use crate::db::checkouts::CheckoutRow;
use crate::db::{self, Database};
use crate::domain::{Actor, AmountCents, CheckoutId, Currency, ProviderName, ReaderId};
use crate::error::ApiError;
use crate::mail::Letters;
use chrono::NaiveDateTime;
use std::sync::Arc;

/// Confirms `reader`'s development checkout as if paid: the subscription
/// goes from `incomplete` to `active` for one interval from now, with a
/// payment of the quoted price and its receipt, in one write transaction.
/// Confirming again answers with the same subscription and records
/// nothing. The caller wakes the queue for the receipt.
pub async fn confirm_dev_checkout(
    db: &Database,
    letters: &Arc<Letters>,
    reader: &ReaderId,
    checkout: &CheckoutId,
) -> Result<Completion, ApiError> {
    let (reader, checkout) = (reader.clone(), checkout.clone());
    let letters = Arc::clone(letters);
    db.run(move |conn| {
        let now = chrono::Utc::now().naive_utc();
        let actor = Actor::Provider(ProviderName::Dev).to_string();
        db::write_transaction(conn, |conn| {
            complete_checkout(
                conn,
                &letters,
                &checkout,
                &reader,
                DevProvider::NAME,
                &actor,
                now,
                |checkout| paid_now(checkout, now),
            )
        })
    })
    .await
}

/// A payment of the price quoted on the checkout, taken at `now`, paying
/// for one interval from `now`.
fn paid_now(checkout: &CheckoutRow, now: NaiveDateTime) -> Result<Paid, ApiError> {
    let period_end = checkout
        .billing_interval()
        .and_then(|interval| interval.period_end(now))
        .ok_or_else(|| {
            anyhow::anyhow!(
                "checkout {} has an unusable billing interval {:?}",
                checkout.id,
                checkout.billing_interval
            )
        })?;
    let amount = AmountCents::parse(checkout.amount_cents)
        .map_err(|e| anyhow::anyhow!("checkout {}: {}", checkout.id, e.message))?;
    let currency = Currency::parse(checkout.currency.clone())
        .map_err(|e| anyhow::anyhow!("checkout {}: {}", checkout.id, e.message))?;
    Ok(Paid {
        amount,
        currency,
        period_start: now,
        period_end,
        provider_customer_id: None,
        provider_subscription_id: None,
        provider_payment_id: format!("dev_{}", uuid::Uuid::new_v4().simple()),
        provider_invoice_id: None,
        invoice_number: None,
        invoice_url: None,
        paid_at: now,
        trial: false,
    })
}
