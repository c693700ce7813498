//! The Stripe provider: the async-stripe client, pointed at
//! `MASTHEAD_STRIPE_API_BASE` when set (tests use a fake Stripe), with a
//! timeout so a slow Stripe answers the reader with a 503 instead of a
//! hanging request. One file per operation; each POST carries an
//! idempotency key derived from the action (see
//! [`super::idempotency`]), so a retried action is applied once by Stripe.

mod checkout;
mod coupon;
mod customer;
mod errors;
mod follow_up;
mod gift;
mod plan_change;
mod portal;
mod prices;
mod refund;
mod setup;
mod subscription;

pub use setup::{SetupOptions, SetupReport};

use super::IdempotencyKey;

/// The Stripe API version Masthead is written against: the one the pinned
/// async-stripe release sends as `Stripe-Version` on every request (its
/// `stripe_shared::VERSION`), which the webhook endpoint must be set to
/// and the docs name. Upgrading async-stripe changes it; the test below
/// and the fake Stripe's header check say so.
pub const API_VERSION: &str = "2026-09-30.endive";

/// Who the subscription history names for changes Stripe reported: those
/// its webhooks apply and those the follow-ups they queue make
/// (`provider:stripe`). Here, below both, so neither imports the other for
/// it.
pub fn actor() -> String {
    Actor::Provider(ProviderName::Stripe).to_string()
}
use crate::domain::{Actor, ProviderName};
use crate::settings::Settings;
use crate::site_url::SitePage;
use secrecy::ExposeSecret;
use std::sync::Arc;
use std::time::Duration;
use stripe::RequestStrategy;

/// Talks to Stripe on behalf of the magazine's account.
#[derive(Debug, Clone)]
pub struct StripeProvider {
    /// Shared: cheap to clone with the provider, one connection pool.
    client: Arc<stripe::Client>,
    /// The site Stripe sends readers back to.
    settings: Arc<Settings>,
    /// How tax is charged: Stripe Tax at checkout or not, and the tax
    /// behaviour and codes of the prices and products Masthead creates.
    tax: Tax,
}

/// The tax settings the provider applies (see `docs/integration/stripe-setup.md`).
#[derive(Debug, Clone)]
struct Tax {
    automatic: bool,
    behavior: crate::settings::TaxBehavior,
    code_digital: String,
    code_print: String,
}

impl Tax {
    /// The tax code of a tier's product: printed periodicals and digital
    /// publications are taxed differently in many countries.
    fn code_for(&self, tier: &crate::db::tiers::Tier) -> &str {
        self.code(tier.needs_shipping_address)
    }

    /// The tax code of print (`printed`) or digital.
    fn code(&self, printed: bool) -> &str {
        if printed {
            &self.code_print
        } else {
            &self.code_digital
        }
    }
}

impl StripeProvider {
    /// The name stored on its checkouts, subscriptions and payments.
    pub const NAME: &'static str = crate::domain::STRIPE_PROVIDER;

    /// The provider the settings describe, or `None` without a secret key.
    /// An unusable key or base URL is an error at start, not at checkout.
    pub fn from_settings(settings: &Settings) -> anyhow::Result<Option<Self>> {
        let Some(secret) = settings.stripe_secret_key.as_ref() else {
            return Ok(None);
        };
        let mut builder = stripe::ClientBuilder::new(secret.expose_secret())
            .timeout(Duration::from_secs(settings.stripe_timeout_seconds.max(1)))
            .request_strategy(RequestStrategy::Once);
        if let Some(base) = settings.stripe_api_base.as_deref() {
            builder = builder.url(base);
        }
        let client = builder
            .build()
            .map_err(|e| anyhow::anyhow!("cannot configure the Stripe client: {e}"))?;
        Ok(Some(Self {
            client: Arc::new(client),
            settings: Arc::new(settings.clone()),
            tax: Tax {
                automatic: settings.stripe_automatic_tax,
                behavior: settings.stripe_tax_behavior,
                code_digital: settings.stripe_tax_code_digital.clone(),
                code_print: settings.stripe_tax_code_print.clone(),
            },
        }))
    }

    /// A page of the site, for Stripe to send the reader back to.
    fn link(&self, page: SitePage, query: &[(&str, &str)]) -> String {
        page.url(&self.settings, query)
    }
}

/// Sends one request once, with `key` as its `Idempotency-Key`.
fn once_with(key: &IdempotencyKey) -> Result<RequestStrategy, super::ProviderError> {
    stripe::IdempotencyKey::new(key.as_str())
        .map(RequestStrategy::Idempotent)
        .map_err(|e| {
            super::ProviderError::Unexpected(anyhow::anyhow!("idempotency key {key}: {e}"))
        })
}

#[cfg(test)]
mod tests {
    use super::API_VERSION;

    #[test]
    fn the_docs_name_the_pinned_api_version() {
        let docs = include_str!("../../../../docs/integration/billing.md");
        assert!(
            docs.contains(API_VERSION),
            "docs/integration/billing.md names {API_VERSION}"
        );
    }
}
