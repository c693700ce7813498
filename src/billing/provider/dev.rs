//! The development provider: no card, no account, no network. Its checkout
//! page is a URL of this service, and it keeps nothing outside our
//! database, so telling it about a change is only a log line. Confirming
//! its page (a `POST` by the same reader) is a use case of billing
//! (`billing::confirm_dev_checkout`), not of the provider: it completes the
//! checkout through the same code Stripe's reports go through.
//! `MASTHEAD_ENV=production` refuses to start with it.

use super::idempotency::IdempotencyKey;
use super::{CheckoutRequest, StartedCheckout};
use crate::db::readers::ReaderRow;
use crate::db::subscriptions::SubscriptionRow;
use crate::domain::CheckoutId;

/// The development provider, which links to pages of this service.
#[derive(Debug, Clone)]
pub struct DevProvider {
    public_url: String,
}

impl DevProvider {
    /// The name stored on its checkouts, subscriptions and payments.
    pub const NAME: &'static str = crate::domain::DEV_PROVIDER;

    /// A provider whose links start with `public_url` (no trailing slash).
    pub fn new(public_url: &str) -> Self {
        Self {
            public_url: public_url.trim_end_matches('/').to_owned(),
        }
    }

    /// The public URL this provider's pages start with.
    pub(super) fn public_url(&self) -> &str {
        &self.public_url
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
}
