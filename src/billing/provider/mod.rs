//! The payment provider seam: an enum whose variants are the providers, so
//! the handlers hold one concrete type and need no boxed futures: the
//! development provider ([`dev`]) and Stripe ([`stripe`]), with the same
//! operations, what they take and answer ([`types`]) and the idempotency
//! key of each call. A provider only talks to the outside world and
//! reports what happened: it imports nothing else of `billing/`, and the
//! use cases above decide what its answers change here.

mod dev;
mod gift;
mod idempotency;
pub(super) mod stripe;
mod types;

pub use dev::DevProvider;
pub use gift::GiftCheckoutRequest;
pub use idempotency::IdempotencyKey;
pub use stripe::StripeProvider;
pub use types::{CheckoutRequest, ProviderError, ProviderRefund, StartedCheckout};

use crate::db::Database;
use crate::db::payments::PaymentRow;
use crate::db::readers::ReaderRow;
use crate::db::subscriptions::SubscriptionRow;
use crate::db::tiers::{Tier, TierPrice};
use crate::domain::{Actor, ProviderName};
use crate::error::ApiError;
use crate::settings::Settings;

/// Whoever charges the reader.
#[derive(Debug, Clone)]
pub enum Provider {
    /// Pays for everything on the reader's word; development only.
    Dev(DevProvider),
    /// Stripe, when `MASTHEAD_STRIPE_SECRET_KEY` is set.
    Stripe(StripeProvider),
}

impl Provider {
    /// The provider the settings ask for: Stripe when a secret key is set,
    /// else the development provider (which `MASTHEAD_ENV=production`
    /// already refuses). A Stripe client that cannot be configured is an
    /// error, never a silent fall back to checkouts nobody pays for.
    pub fn from_settings(settings: &Settings) -> anyhow::Result<Self> {
        if let Some(stripe) = StripeProvider::from_settings(settings)? {
            return Ok(Self::Stripe(stripe));
        }
        Ok(Self::Dev(DevProvider::new(&settings.public_url())))
    }

    /// The name stored on checkouts, subscriptions and payments.
    pub fn name(&self) -> &'static str {
        match self {
            Self::Dev(_) => DevProvider::NAME,
            Self::Stripe(_) => StripeProvider::NAME,
        }
    }

    /// Who the subscription history names when this provider moves a
    /// subscription, e.g. `provider:dev`.
    pub fn actor(&self) -> String {
        let name = match self {
            Self::Dev(_) => ProviderName::Dev,
            Self::Stripe(_) => ProviderName::Stripe,
        };
        Actor::Provider(name).to_string()
    }

    /// The development provider, when it is the one in use (its confirmation
    /// and portal endpoints answer 404 otherwise).
    pub fn dev(&self) -> Option<&DevProvider> {
        match self {
            Self::Dev(dev) => Some(dev),
            Self::Stripe(_) => None,
        }
    }

    /// Opens a payment page for a checkout (Stripe: creating the reader's
    /// customer and the tier's price first, when needed).
    pub async fn start_checkout(
        &self,
        db: &Database,
        request: &CheckoutRequest<'_>,
    ) -> Result<StartedCheckout, ApiError> {
        let key = IdempotencyKey::checkout(request.checkout_id);
        match self {
            Self::Dev(dev) => Ok(dev.start_checkout(request, &key)),
            Self::Stripe(stripe) => stripe.start_checkout(db, request, &key).await,
        }
    }

    /// Where the reader manages their billing (payment method, invoices).
    pub async fn portal_url(
        &self,
        db: &Database,
        reader: &ReaderRow,
        subscription: &SubscriptionRow,
    ) -> Result<String, ApiError> {
        match self {
            Self::Dev(dev) => Ok(dev.portal_url(reader, subscription)),
            Self::Stripe(stripe) => stripe.portal_url(db, reader, subscription).await,
        }
    }

    /// Tells the provider to stop renewing at the period end.
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
            Self::Stripe(stripe) => {
                stripe
                    .set_cancel_at_period_end(subscription, true, &key)
                    .await
            }
        }
    }

    /// Tells the provider to renew again (undoing a cancellation).
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
            Self::Stripe(stripe) => {
                stripe
                    .set_cancel_at_period_end(subscription, false, &key)
                    .await
            }
        }
    }

    /// Tells the provider to end the subscription now: nothing renews and
    /// nothing more is charged (a refund, or staff ending it early).
    pub async fn cancel_now(&self, subscription: &SubscriptionRow) -> Result<(), ProviderError> {
        if !self.bills(subscription)? {
            return Ok(());
        }
        let key = IdempotencyKey::cancel_now(subscription);
        match self {
            Self::Dev(_) => {
                DevProvider::cancel_now(subscription, &key);
                Ok(())
            }
            Self::Stripe(stripe) => stripe.cancel_now(subscription, &key).await,
        }
    }

    /// Gives back what is left of `payment` (its amount less what was
    /// refunded so far), once however often it is retried: the idempotency
    /// key names the payment and its refunded amount. 409
    /// `already_refunded` when nothing is left; a payment nobody holds
    /// (development, staff-made) needs no provider call.
    pub async fn refund(&self, payment: &PaymentRow) -> Result<ProviderRefund, ApiError> {
        let remaining = payment.amount_cents - payment.refunded_cents;
        if remaining <= 0 {
            return Err(ApiError::conflict(
                "already_refunded",
                "this payment has been refunded in full",
            ));
        }
        let unheld = ProviderRefund {
            provider_refund_id: None,
            amount_cents: remaining,
        };
        match payment.provider.as_str() {
            name if name == self.name() => {}
            DevProvider::NAME => return Ok(unheld),
            other => {
                return Err(ProviderError::Unavailable(format!(
                    "this payment was taken by {other}, which is not configured here"
                ))
                .into());
            }
        }
        let key = IdempotencyKey::refund(payment);
        match self {
            Self::Dev(_) => Ok(unheld),
            Self::Stripe(stripe) => Ok(stripe.refund(payment, remaining, &key).await?),
        }
    }

    /// Moves the provider's subscription to `tier` at `price` now, with the
    /// proration invoiced at once (Stripe: `proration_behavior:
    /// always_invoice`, paid first: `payment_behavior:
    /// pending_if_incomplete`, so a failed payment keeps the old plan).
    pub async fn upgrade(
        &self,
        db: &Database,
        subscription: &SubscriptionRow,
        tier: &Tier,
        price: &TierPrice,
    ) -> Result<(), ApiError> {
        if !self.bills(subscription)? {
            return Ok(());
        }
        let key = IdempotencyKey::plan_change(
            subscription,
            &format!("up-{}-{}", tier.id, price.interval.as_str()),
        );
        match self {
            Self::Dev(_) => Ok(()),
            Self::Stripe(stripe) => stripe.upgrade(db, subscription, tier, price, &key).await,
        }
    }

    /// Arranges for the provider's subscription to move to `tier` at
    /// `price` at the end of the current period, and to stay at `current`
    /// until then (Stripe: a subscription schedule of two phases).
    pub async fn schedule_downgrade(
        &self,
        db: &Database,
        subscription: &SubscriptionRow,
        current: (&Tier, &TierPrice),
        tier: &Tier,
        price: &TierPrice,
    ) -> Result<(), ApiError> {
        if !self.bills(subscription)? {
            return Ok(());
        }
        let key = IdempotencyKey::plan_change(
            subscription,
            &format!("down-{}-{}", tier.id, price.interval.as_str()),
        );
        match self {
            Self::Dev(_) => Ok(()),
            Self::Stripe(stripe) => {
                stripe
                    .schedule_downgrade(db, subscription, current, (tier, price), &key)
                    .await
            }
        }
    }

    /// Moves the provider's subscription to the scheduled `price` of its
    /// tier for its next renewal, without proration (Stripe: the item's
    /// price swapped with `proration_behavior: none`; the development
    /// provider keeps nothing outside our database: the recorded move is
    /// what its next renewal charges). Once per subscription and change.
    pub async fn move_to_price(
        &self,
        db: &Database,
        subscription: &SubscriptionRow,
        tier: &Tier,
        price: &TierPrice,
        change: &str,
    ) -> Result<(), ApiError> {
        if !self.bills(subscription)? {
            return Ok(());
        }
        let key = IdempotencyKey::price_change(subscription, change);
        match self {
            Self::Dev(_) => Ok(()),
            Self::Stripe(stripe) => stripe.move_price(db, subscription, tier, price, &key).await,
        }
    }

    /// Takes back a scheduled downgrade: the subscription renews on its
    /// current plan (Stripe: the schedule is released).
    pub async fn cancel_downgrade(&self, subscription: &SubscriptionRow) -> Result<(), ApiError> {
        if !self.bills(subscription)? {
            return Ok(());
        }
        let key = IdempotencyKey::plan_change(subscription, "undo");
        match self {
            Self::Dev(_) => Ok(()),
            Self::Stripe(stripe) => Ok(stripe.release_schedule(subscription, &key).await?),
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The constants exist because match patterns need them; their strings
    /// are the stored enum's.
    #[test]
    fn provider_names_are_the_stored_enums() {
        assert_eq!(DevProvider::NAME, ProviderName::Dev.as_str());
        assert_eq!(StripeProvider::NAME, ProviderName::Stripe.as_str());
    }
}
