//! The end of a development-provider trial: what Stripe does at a trial's
//! end (its first invoice, then `customer.subscription.updated` to
//! `active`), done here for the provider that keeps nothing outside our
//! database. The first real payment is recorded (the price quoted on the
//! checkout, less its offer's discount when the discount covers it) with
//! its receipt, and the subscription moves `trialing` -> `active` for one
//! interval from the trial's end, by a conditional transition in one
//! write transaction per subscription: swept twice, it pays once. The
//! money-back guarantee counts from this payment.

use crate::billing::Paid;
use crate::billing::activation::record_payment;
use crate::billing::notices::{self, InvoiceFacts};
use crate::billing::provider::DevProvider;
use crate::db::subscriptions::{self, SubscriptionChanges, SubscriptionRow, TransitionOutcome};
use crate::db::{self, Database, checkouts, due_dates, payments, readers};
use crate::domain::{Actor, AmountCents, Currency, ProviderName, ReaderId, SubscriptionState};
use crate::error::ApiError;
use crate::mail::Letters;
use chrono::{NaiveDateTime, Utc};
use std::sync::Arc;

/// Charges every development trial that ended; returns how many moved.
pub(crate) async fn end_dev_trials(
    db: &Database,
    letters: &Arc<Letters>,
) -> Result<usize, ApiError> {
    let letters = Arc::clone(letters);
    db.run(move |conn| {
        let now = Utc::now().naive_utc();
        let mut moved = 0;
        for row in due_dates::trials_over(conn, now, DevProvider::NAME)? {
            moved += usize::from(db::write_transaction(conn, |conn| {
                first_payment(conn, &letters, &row, now)
            })?);
        }
        Ok(moved)
    })
    .await
}

/// Takes the first payment of `row`'s ended trial; `false` when it moved
/// meanwhile (paid by a concurrent sweep, cancelled, refunded).
fn first_payment(
    conn: &mut db::DbConnection,
    letters: &Letters,
    row: &SubscriptionRow,
    now: NaiveDateTime,
) -> Result<bool, ApiError> {
    readers::lock(conn, &ReaderId::from_db(row.reader_id.clone()))?;
    let id = row.subscription_id();
    let Some(checkout) = checkouts::for_subscription(conn, &id)? else {
        tracing::warn!(subscription = %row.id, "a development trial without its checkout; left for staff");
        return Ok(false);
    };
    let trial_end = row.current_period_end.unwrap_or(now);
    let period_end = checkout
        .billing_interval()
        .and_then(|interval| interval.period_end(trial_end))
        .ok_or_else(|| anyhow::anyhow!("checkout {} has no usable interval", checkout.id))?;
    let paid_before = payments::for_subscription(conn, &id)?
        .iter()
        .filter(|payment| payment.amount_cents > 0)
        .count();
    let nth = u32::try_from(paid_before)
        .unwrap_or(u32::MAX)
        .saturating_add(1);
    let paid = Paid {
        amount: AmountCents::parse(checkout.payment_cents(nth))
            .map_err(|e| anyhow::anyhow!("checkout {}: {}", checkout.id, e.message))?,
        currency: Currency::parse(checkout.currency.clone())
            .map_err(|e| anyhow::anyhow!("checkout {}: {}", checkout.id, e.message))?,
        period_start: trial_end,
        period_end,
        provider_customer_id: None,
        provider_subscription_id: None,
        provider_payment_id: format!("dev_{}", uuid::Uuid::new_v4().simple()),
        provider_invoice_id: None,
        invoice_number: None,
        invoice_url: None,
        paid_at: now,
        trial: false,
    };
    let changes = SubscriptionChanges {
        current_period_start: Some(Some(trial_end)),
        current_period_end: Some(Some(period_end)),
        ..SubscriptionChanges::default()
    };
    let reason = format!("trial ended; payment {}", paid.provider_payment_id);
    let outcome = subscriptions::transition(
        conn,
        &id,
        SubscriptionState::Trialing,
        SubscriptionState::Active,
        &changes,
        &Actor::Provider(ProviderName::Dev).to_string(),
        Some(&reason),
        now,
    )?;
    if outcome == TransitionOutcome::Conflict {
        return Ok(false);
    }
    if paid.amount.get() > 0 {
        let payment = record_payment(conn, &checkout, &paid, &id, now)?;
        let invoice = InvoiceFacts {
            number: None,
            url: None,
            period: Some((trial_end, period_end)),
        };
        notices::queue_receipt(conn, letters, &payment, &invoice)?;
    }
    Ok(true)
}
