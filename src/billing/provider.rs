//! The payment provider seam: an enum whose variants are the providers, so
//! the handlers hold one concrete type and need no boxed futures. The
//! development provider is the only variant of this build; Stripe joins it
//! as `Provider::Stripe(StripeProvider)` with the same operations.

use super::dev::DevProvider;
use super::idempotency::IdempotencyKey;
use crate::db::readers::ReaderRow;
use crate::db::subscriptions::SubscriptionRow;
use crate::db::tiers::{Tier, TierPrice};
use crate::domain::CheckoutId;
use crate::error::ApiError;
use crate::settings::Settings;

/// Whoever charges the reader.
#[derive(Debug, Clone)]
pub enum Provider {
    /// Pays for everything on the reader's word; development only.
    Dev(DevProvider),
}

/// What a provider needs to open a payment page.
#[derive(Debug, Clone, Copy)]
pub struct CheckoutRequest<'a> {
    /// Our checkout, recorded before the provider is asked (Stripe carries
    /// it back as `client_reference_id`).
    pub checkout_id: &'a CheckoutId,
    /// Who pays (email, name, shipping address).
    pub reader: &'a ReaderRow,
    /// What they buy.
    pub tier: &'a Tier,
    /// At which price and interval.
    pub price: &'a TierPrice,
}

/// A payment page the provider opened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StartedCheckout {
    /// The provider's id of the page (a Stripe Checkout Session id),
    /// remembered on the checkout so the provider's reports can find it.
    pub provider_session_id: String,
    /// Where to send the reader to pay.
    pub url: String,
}

/// Why a provider call failed.
#[derive(Debug, thiserror::Error)]
pub enum ProviderError {
    /// The provider cannot be reached, or cannot act on this subscription
    /// from here; the reader may try again later (503).
    #[error("{0}")]
    Unavailable(String),
    /// The provider answered something we did not expect (500, logged).
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

/// A provider that cannot help now is 503 `payment_provider_unavailable`.
impl From<ProviderError> for ApiError {
    fn from(error: ProviderError) -> Self {
        match error {
            ProviderError::Unavailable(detail) => {
                tracing::warn!(%detail, "payment provider unavailable");
                Self::Unavailable {
                    code: "payment_provider_unavailable",
                    detail,
                }
            }
            ProviderError::Unexpected(error) => Self::Unexpected(error),
        }
    }
}

impl Provider {
    /// The provider the settings ask for: Stripe when a secret key is set,
    /// else the development provider (which `MASTHEAD_ENV=production`
    /// already refuses). A Stripe key this build cannot use is an error, never
    /// a silent fall back to checkouts nobody pays for.
    pub fn from_settings(settings: &Settings) -> anyhow::Result<Self> {
        if settings.stripe_secret_key.is_some() {
            anyhow::bail!(
                "MASTHEAD_STRIPE_SECRET_KEY is set, but this build has no Stripe provider; \
                 unset it to use the development provider"
            );
        }
        Ok(Self::Dev(DevProvider::new(&settings.public_url())))
    }

    /// The name stored on checkouts, subscriptions and payments.
    pub fn name(&self) -> &'static str {
        match self {
            Self::Dev(_) => DevProvider::NAME,
        }
    }

    /// Who the subscription history names when this provider moves a
    /// subscription, e.g. `provider:dev`.
    pub fn actor(&self) -> String {
        format!("provider:{}", self.name())
    }

    /// The development provider, when it is the one in use (its confirmation
    /// and portal endpoints answer 404 otherwise).
    pub fn dev(&self) -> Option<&DevProvider> {
        match self {
            Self::Dev(dev) => Some(dev),
        }
    }

    /// Opens a payment page for a checkout.
    #[expect(
        clippy::unused_async,
        reason = "only the development provider so far; the Stripe variant awaits its API call here"
    )]
    pub async fn start_checkout(
        &self,
        request: &CheckoutRequest<'_>,
    ) -> Result<StartedCheckout, ProviderError> {
        let key = IdempotencyKey::checkout(request.checkout_id);
        match self {
            Self::Dev(dev) => Ok(dev.start_checkout(request, &key)),
        }
    }

    /// Where the reader manages their billing (payment method, invoices).
    #[expect(
        clippy::unused_async,
        reason = "only the development provider so far; the Stripe variant awaits its API call here"
    )]
    pub async fn portal_url(
        &self,
        reader: &ReaderRow,
        subscription: &SubscriptionRow,
    ) -> Result<String, ProviderError> {
        match self {
            Self::Dev(dev) => Ok(dev.portal_url(reader, subscription)),
        }
    }

    /// Tells the provider to stop renewing at the period end.
    #[expect(
        clippy::unused_async,
        reason = "only the development provider so far; the Stripe variant awaits its API call here"
    )]
    pub async fn cancel_at_period_end(
        &self,
        subscription: &SubscriptionRow,
    ) -> Result<(), ProviderError> {
        if !self.bills(subscription)? {
            return Ok(());
        }
        let key = IdempotencyKey::cancel(subscription);
        match self {
            Self::Dev(_) => {
                DevProvider::cancel_at_period_end(subscription, &key);
                Ok(())
            }
        }
    }

    /// Tells the provider to renew again (undoing a cancellation).
    #[expect(
        clippy::unused_async,
        reason = "only the development provider so far; the Stripe variant awaits its API call here"
    )]
    pub async fn resume(&self, subscription: &SubscriptionRow) -> Result<(), ProviderError> {
        if !self.bills(subscription)? {
            return Ok(());
        }
        let key = IdempotencyKey::resume(subscription);
        match self {
            Self::Dev(_) => {
                DevProvider::resume(subscription, &key);
                Ok(())
            }
        }
    }

    /// Whether this provider must be told about changes to `subscription`:
    /// yes when it billed it; no when nobody did (staff-made) or the
    /// development provider did (it keeps nothing outside our database);
    /// and an error when another real provider did, which this instance
    /// cannot reach, so our record never drifts from the provider's.
    fn bills(&self, subscription: &SubscriptionRow) -> Result<bool, ProviderError> {
        match subscription.provider.as_deref() {
            Some(name) if name == self.name() => Ok(true),
            None | Some(DevProvider::NAME) => Ok(false),
            Some(other) => Err(ProviderError::Unavailable(format!(
                "this subscription is billed by {other}, which is not configured here"
            ))),
        }
    }
}
