//! Cancel at period end and resume: one flag on the Stripe subscription.
//! Stripe keeps charging until told otherwise, so this call comes before
//! our record changes, and a failure leaves our record as it was.

use super::errors::from_stripe;
use super::follow_up::RequestBuilderParts;
use super::{StripeProvider, once_with};
use crate::billing::provider::IdempotencyKey;
use crate::billing::provider::ProviderError;
use crate::db::subscriptions::SubscriptionRow;
use serde_json::json;
use stripe::StripeRequest;
use stripe_billing::subscription::{CancelSubscription, UpdateSubscription};
use stripe_client_core::StripeMethod;

impl StripeProvider {
    /// Sets `cancel_at_period_end` on the Stripe subscription behind
    /// `subscription` (`true`: stop renewing; `false`: renew again).
    pub(in crate::billing) async fn set_cancel_at_period_end(
        &self,
        subscription: &SubscriptionRow,
        cancel: bool,
        key: &IdempotencyKey,
    ) -> Result<(), ProviderError> {
        let stripe_id = subscription
            .provider_subscription_id
            .as_deref()
            .ok_or_else(|| {
                ProviderError::Unavailable(format!(
                    "subscription {} is not linked to a Stripe subscription yet; try again shortly",
                    subscription.id
                ))
            })?;
        let action = if cancel {
            "cancel your subscription"
        } else {
            "resume your subscription"
        };
        if !cancel {
            // The billing portal cancels with `cancel_at` on newer API
            // versions (<https://docs.stripe.com/billing/subscriptions/cancel#cancel-at>):
            // resuming clears both, `cancel_at` with an empty value.
            let parts = RequestBuilderParts {
                method: StripeMethod::Post,
                path: format!("/subscriptions/{stripe_id}"),
                query: None,
                form: Some(json!({"cancel_at_period_end": "false", "cancel_at": ""})),
            };
            return self.send_raw(parts, Some(key), action).await.map(drop);
        }
        UpdateSubscription::new(stripe_id)
            .cancel_at_period_end(cancel)
            .customize()
            .request_strategy(once_with(key)?)
            .send(self.client.as_ref())
            .await
            .map_err(|e| from_stripe(action, e))?;
        Ok(())
    }
}

impl StripeProvider {
    /// Cancels the Stripe subscription behind `subscription` now, without
    /// proration (the refund gives the money back): nothing renews, and
    /// Stripe's `customer.subscription.deleted` that follows finds the
    /// subscription already ended here.
    pub(in crate::billing) async fn cancel_now(
        &self,
        subscription: &SubscriptionRow,
        key: &IdempotencyKey,
    ) -> Result<(), ProviderError> {
        let Some(stripe_id) = subscription.provider_subscription_id.as_deref() else {
            // Never linked to a Stripe subscription (its first invoice has
            // not been reported yet): there is nothing at Stripe to stop.
            return Ok(());
        };
        CancelSubscription::new(stripe_id)
            .prorate(false)
            .customize()
            .request_strategy(once_with(key)?)
            .send(self.client.as_ref())
            .await
            .map_err(|e| from_stripe("end the subscription", e))?;
        Ok(())
    }
}
