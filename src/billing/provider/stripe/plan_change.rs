//! Plan changes at Stripe. An upgrade swaps the price on the subscription's
//! item with `proration_behavior=always_invoice` (the difference invoiced
//! and charged now) and `payment_behavior=pending_if_incomplete` (if that
//! payment fails the subscription stays on the old price, Stripe keeping
//! the change as `pending_update` until it expires)
//! (<https://docs.stripe.com/billing/subscriptions/pending-updates>).
//! A downgrade waits for the period end through a subscription schedule of
//! two phases, the current price until the period end and the new one
//! after, released afterwards
//! (<https://docs.stripe.com/billing/subscriptions/subscription-schedules/use-cases#downgrading-subscriptions>):
//! changing the price now with proration off would, for an interval
//! change, restart the billing cycle and invoice at once, and a job at the
//! period end would race Stripe's own renewal.

use super::errors::from_stripe;
use super::{StripeProvider, once_with};
use crate::billing::provider::IdempotencyKey;
use crate::billing::provider::ProviderError;
use crate::db::Database;
use crate::db::subscriptions::SubscriptionRow;
use crate::db::tiers::{Tier, TierPrice};
use crate::error::ApiError;
use std::collections::BTreeMap;
use stripe::{RequestStrategy, StripeRequest};
use stripe_billing::subscription::{
    RetrieveSubscription, UpdateSubscription, UpdateSubscriptionItems,
    UpdateSubscriptionPaymentBehavior, UpdateSubscriptionProrationBehavior,
};
use stripe_client_core::{RequestBuilder, StripeMethod};

/// The part of a subscription schedule Masthead reads.
#[derive(Debug, miniserde::Deserialize)]
struct Schedule {
    id: String,
    phases: Vec<SchedulePhase>,
}

#[derive(Debug, miniserde::Deserialize)]
struct SchedulePhase {
    start_date: i64,
}

fn linked(subscription: &SubscriptionRow) -> Result<&str, ProviderError> {
    subscription
        .provider_subscription_id
        .as_deref()
        .ok_or_else(|| {
            ProviderError::Unavailable(format!(
                "subscription {} is not linked to a Stripe subscription yet; try again shortly",
                subscription.id
            ))
        })
}

fn step(key: &IdempotencyKey, step: &str) -> Result<RequestStrategy, ProviderError> {
    stripe::IdempotencyKey::new(format!("{key}:{step}"))
        .map(RequestStrategy::Idempotent)
        .map_err(|e| ProviderError::Unexpected(anyhow::anyhow!("unusable idempotency key: {e}")))
}

impl StripeProvider {
    /// The Stripe subscription of `subscription` and the update of its one
    /// item to `tier`'s `price` (the Stripe Price made first if need be):
    /// what an upgrade and a scheduled price change both send.
    /// `looking_up` names the lookup in the error a failure answers.
    async fn item_at_price<'s>(
        &self,
        db: &Database,
        subscription: &'s SubscriptionRow,
        tier: &Tier,
        price: &TierPrice,
        looking_up: &str,
    ) -> Result<(&'s str, UpdateSubscriptionItems), ApiError> {
        let stripe_id = linked(subscription)?;
        let new_price = self.stripe_price(db, tier, price).await?;
        let current = RetrieveSubscription::new(stripe_id)
            .send(self.client.as_ref())
            .await
            .map_err(|e| from_stripe(looking_up, e))?;
        let item = current.items.data.first().ok_or_else(|| {
            ProviderError::BadResponse("the Stripe subscription has no item".to_owned())
        })?;
        let mut line = UpdateSubscriptionItems::new();
        line.id = Some(item.id.as_str().to_owned());
        line.price = Some(new_price);
        Ok((stripe_id, line))
    }

    /// Swaps the subscription's price for `price` now, the proration
    /// invoiced at once. 409 `upgrade_payment_failed` when Stripe could
    /// not take the payment (the old plan stays).
    pub(in crate::billing) async fn upgrade(
        &self,
        db: &Database,
        subscription: &SubscriptionRow,
        tier: &Tier,
        price: &TierPrice,
        key: &IdempotencyKey,
    ) -> Result<(), ApiError> {
        let (stripe_id, line) = self
            .item_at_price(db, subscription, tier, price, "look up your subscription")
            .await?;
        let updated = UpdateSubscription::new(stripe_id)
            .items(vec![line])
            .proration_behavior(UpdateSubscriptionProrationBehavior::AlwaysInvoice)
            .payment_behavior(UpdateSubscriptionPaymentBehavior::PendingIfIncomplete)
            .customize()
            .request_strategy(once_with(key)?)
            .send(self.client.as_ref())
            .await
            .map_err(|e| from_stripe("change your plan", e))?;
        if updated.pending_update.is_some() {
            return Err(ApiError::conflict(
                "upgrade_payment_failed",
                "the payment for the upgrade did not go through; your plan is unchanged",
            ));
        }
        Ok(())
    }

    /// Moves the subscription's item to `price` with `proration_behavior:
    /// none`: nothing is invoiced now, and the next renewal is charged the
    /// new price (<https://docs.stripe.com/billing/subscriptions/change-price>).
    pub(in crate::billing) async fn move_price(
        &self,
        db: &Database,
        subscription: &SubscriptionRow,
        tier: &Tier,
        price: &TierPrice,
        key: &IdempotencyKey,
    ) -> Result<(), ApiError> {
        let (stripe_id, line) = self
            .item_at_price(db, subscription, tier, price, "look up the subscription")
            .await?;
        UpdateSubscription::new(stripe_id)
            .items(vec![line])
            .proration_behavior(UpdateSubscriptionProrationBehavior::None)
            .customize()
            .request_strategy(once_with(key)?)
            .send(self.client.as_ref())
            .await
            .map_err(|e| from_stripe("move the subscription to its new price", e))?;
        Ok(())
    }

    /// Keeps the current price until the period ends, then `to`'s: a
    /// schedule made from the subscription, then given its two phases.
    pub(in crate::billing) async fn schedule_downgrade(
        &self,
        db: &Database,
        subscription: &SubscriptionRow,
        current: (&Tier, &TierPrice),
        to: (&Tier, &TierPrice),
        key: &IdempotencyKey,
    ) -> Result<(), ApiError> {
        let stripe_id = linked(subscription)?;
        let period_end = subscription
            .current_period_end
            .ok_or_else(|| anyhow::anyhow!("subscription {} has no period", subscription.id))?
            .and_utc()
            .timestamp();
        let current_price = self.stripe_price(db, current.0, current.1).await?;
        let new_price = self.stripe_price(db, to.0, to.1).await?;
        let from = BTreeMap::from([("from_subscription", stripe_id.to_owned())]);
        let schedule: Schedule = RequestBuilder::new(StripeMethod::Post, "/subscription_schedules")
            .form(&from)
            .customize()
            .request_strategy(step(key, "create")?)
            .send(self.client.as_ref())
            .await
            .map_err(|e| from_stripe("schedule your plan change", e))?;
        let start = schedule
            .phases
            .first()
            .map(|phase| phase.start_date)
            .ok_or_else(|| {
                ProviderError::BadResponse("the subscription schedule has no phase".to_owned())
            })?;
        let phases = BTreeMap::from([
            ("end_behavior", "release".to_owned()),
            ("proration_behavior", "none".to_owned()),
            ("phases[0][items][0][price]", current_price),
            ("phases[0][items][0][quantity]", "1".to_owned()),
            ("phases[0][start_date]", start.to_string()),
            ("phases[0][end_date]", period_end.to_string()),
            ("phases[1][items][0][price]", new_price),
            ("phases[1][items][0][quantity]", "1".to_owned()),
            (
                "phases[1][duration][interval]",
                to.1.interval.as_str().to_owned(),
            ),
            ("phases[1][duration][interval_count]", "1".to_owned()),
        ]);
        let _: Schedule = RequestBuilder::new(
            StripeMethod::Post,
            format!("/subscription_schedules/{}", schedule.id),
        )
        .form(&phases)
        .customize()
        .request_strategy(step(key, "phases")?)
        .send(self.client.as_ref())
        .await
        .map_err(|e| from_stripe("schedule your plan change", e))?;
        Ok(())
    }

    /// Releases the subscription's schedule, if it has one: it renews on
    /// its current price again.
    pub(in crate::billing) async fn release_schedule(
        &self,
        subscription: &SubscriptionRow,
        key: &IdempotencyKey,
    ) -> Result<(), ProviderError> {
        let stripe_id = linked(subscription)?;
        let current = RetrieveSubscription::new(stripe_id)
            .send(self.client.as_ref())
            .await
            .map_err(|e| from_stripe("look up your subscription", e))?;
        let Some(schedule) = current.schedule else {
            return Ok(());
        };
        let _: Schedule = RequestBuilder::new(
            StripeMethod::Post,
            format!("/subscription_schedules/{}/release", schedule.id()),
        )
        .customize()
        .request_strategy(once_with(key)?)
        .send(self.client.as_ref())
        .await
        .map_err(|e| from_stripe("undo your plan change", e))?;
        Ok(())
    }
}
