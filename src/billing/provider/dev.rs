//! The development provider: no card, no account, no network. Its checkout
//! page is a URL of this service; confirming it (a `POST` by the same
//! reader) records the subscription as paid, through the same checkout
//! completion, state machine and events that Stripe's reports go through.
//! `MASTHEAD_ENV=production` refuses to start with it.

use crate::billing::activation::{Completion, Paid, complete_checkout};
use super::idempotency::IdempotencyKey;
use super::{CheckoutRequest, StartedCheckout};
use crate::db::readers::ReaderRow;
use crate::db::subscriptions::SubscriptionRow;
use crate::db::{self, Database, checkouts::CheckoutRow};
use crate::domain::{AmountCents, CheckoutId, Currency, ReaderId};
use crate::error::ApiError;
use chrono::NaiveDateTime;

/// The development provider, which links to pages of this service.
#[derive(Debug, Clone)]
pub struct DevProvider {
    public_url: String,
}

impl DevProvider {
    /// The name stored on its checkouts, subscriptions and payments.
    pub const NAME: &'static str = "dev";

    /// A provider whose links start with `public_url` (no trailing slash).
    pub fn new(public_url: &str) -> Self {
        Self {
            public_url: public_url.trim_end_matches('/').to_owned(),
        }
    }

    /// The page that confirms a checkout: `POST` it to pay.
    pub fn checkout_url(&self, id: &CheckoutId) -> String {
        format!("{}/v1/billing/dev/checkout/{id}", self.public_url)
    }

    /// "Opens" the payment page: nothing to call, so only the URL.
    pub(super) fn start_checkout(
        &self,
        request: &CheckoutRequest<'_>,
        key: &IdempotencyKey,
    ) -> StartedCheckout {
        tracing::debug!(idempotency_key = %key, "dev provider: checkout opened");
        StartedCheckout {
            provider_session_id: format!("dev_cs_{}", request.checkout_id),
            url: self.checkout_url(request.checkout_id),
        }
    }

    /// The page describing the reader's subscription and payments.
    pub(super) fn portal_url(&self, reader: &ReaderRow, subscription: &SubscriptionRow) -> String {
        tracing::debug!(reader = %reader.id, subscription = %subscription.id, "dev provider: portal");
        format!("{}/v1/billing/dev/portal", self.public_url)
    }

    /// Nothing renews by itself here, so there is nothing to stop.
    pub(super) fn cancel_at_period_end(subscription: &SubscriptionRow, key: &IdempotencyKey) {
        tracing::debug!(subscription = %subscription.id, idempotency_key = %key, "dev provider: cancel at period end");
    }

    /// Nothing renews by itself here, so there is nothing to end.
    pub(super) fn cancel_now(subscription: &SubscriptionRow, key: &IdempotencyKey) {
        tracing::debug!(subscription = %subscription.id, idempotency_key = %key, "dev provider: cancel now");
    }

    /// Nothing renews by itself here, so there is nothing to restart.
    pub(super) fn resume(subscription: &SubscriptionRow, key: &IdempotencyKey) {
        tracing::debug!(subscription = %subscription.id, idempotency_key = %key, "dev provider: resume");
    }

    /// Confirms `reader`'s checkout as if paid: the subscription goes from
    /// `incomplete` to `active` for one interval from now, with a payment
    /// of the quoted price, in one write transaction. Confirming again
    /// answers with the same subscription and records nothing.
    pub async fn confirm_checkout(
        &self,
        db: &Database,
        reader: &ReaderId,
        checkout: &CheckoutId,
    ) -> Result<Completion, ApiError> {
        let (reader, checkout) = (reader.clone(), checkout.clone());
        db.run(move |conn| {
            let now = chrono::Utc::now().naive_utc();
            let actor = format!("provider:{}", Self::NAME);
            db::write_transaction(conn, |conn| {
                complete_checkout(
                    conn,
                    &checkout,
                    &reader,
                    Self::NAME,
                    &actor,
                    now,
                    |checkout| paid_now(checkout, now),
                )
            })
        })
        .await
    }
}

/// A fresh form token for a development checkout's page: 256 random bits,
/// so its Pay and Cancel buttons cannot be submitted by a page that has
/// not read this one (cross-site request forgery). It is stored as is:
/// the page must show it again on every load, and it grants nothing the
/// checkout id in the page's URL does not.
pub(in crate::billing) fn new_page_token() -> String {
    crate::auth::RefreshToken::generate().into_plaintext()
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
        paid_at: now,
        trial: false,
    })
}
