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
/// payment of the quoted price (less its offer's discount) and its
/// receipt, in one write transaction; a checkout with a free trial goes
/// to `trialing` until the trial ends, with no payment (the first one is
/// taken when the trial ends: `sweeps::trials`). Confirming again answers
/// with the same subscription and records nothing. A checkout that lost
/// its offer's last redemption or the reader's trial to another is
/// refused (409) and expired, so the reader can start a new one. The
/// caller wakes the queue for the receipt.
pub async fn confirm_dev_checkout(
    db: &Database,
    letters: &Arc<Letters>,
    reader: &ReaderId,
    checkout: &CheckoutId,
) -> Result<Completion, ApiError> {
    let (reader, checkout) = (reader.clone(), checkout.clone());
    let letters = Arc::clone(letters);
    let lost = checkout.clone();
    let completion = db
        .run(move |conn| {
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
        .await;
    if let Err(ApiError::Conflict {
        code: "offer_exhausted" | "trial_already_used",
        ..
    }) = &completion
    {
        db.run(move |conn| Ok(crate::db::checkouts::expire(conn, &lost)?))
            .await?;
    }
    completion
}

/// A payment of the price quoted on the checkout (less its offer's
/// discount), taken at `now`, paying for one interval from `now`; or, for
/// a checkout with a free trial, the trial: nothing taken, until the
/// trial's last day.
fn paid_now(checkout: &CheckoutRow, now: NaiveDateTime) -> Result<Paid, ApiError> {
    if checkout.trial_days > 0 {
        return trial_now(checkout, now);
    }
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
    let amount = AmountCents::parse(checkout.payment_cents(1))
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

/// A free trial from `now` for the checkout's trial days: a period with
/// nothing taken, which `activation` records as `trialing` and no payment.
fn trial_now(checkout: &CheckoutRow, now: NaiveDateTime) -> Result<Paid, ApiError> {
    let currency = Currency::parse(checkout.currency.clone())
        .map_err(|e| anyhow::anyhow!("checkout {}: {}", checkout.id, e.message))?;
    Ok(Paid {
        amount: AmountCents::parse(0).map_err(|e| anyhow::anyhow!(e.message))?,
        currency,
        period_start: now,
        period_end: now + chrono::Duration::days(i64::from(checkout.trial_days)),
        provider_customer_id: None,
        provider_subscription_id: None,
        provider_payment_id: format!("dev_trial_{}", checkout.id),
        provider_invoice_id: None,
        invoice_number: None,
        invoice_url: None,
        paid_at: now,
        trial: true,
    })
}
