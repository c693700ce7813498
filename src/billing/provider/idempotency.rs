//! Idempotency keys for calls to the payment provider. A key is derived
//! from the action and the version of what it acts on, never random: a
//! retried call (a timeout, a double click) carries the same key, so the
//! provider applies it once; a new action (cancelling again after a
//! resume) carries a new one, so the provider does not replay the old
//! answer.

use crate::db::payments::PaymentRow;
use crate::db::subscriptions::SubscriptionRow;
use crate::domain::{CheckoutId, GiftId, ReaderId};
use chrono::{DateTime, Utc};
use std::fmt;

/// The key sent with one provider call (Stripe's `Idempotency-Key`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdempotencyKey(String);

impl IdempotencyKey {
    /// Opening the payment page of a checkout: once per checkout.
    pub fn checkout(id: &CheckoutId) -> Self {
        Self(format!("checkout:{id}"))
    }

    /// Opening the payment page of a gift: once per gift.
    pub fn gift_checkout(id: &GiftId) -> Self {
        Self(format!("gift-checkout:{id}"))
    }

    /// Refunding a gift's payment: once per gift, so two refund requests
    /// racing (a replayed link and staff) give the money back once.
    pub fn gift_refund(id: &GiftId) -> Self {
        Self(format!("gift-refund:{id}"))
    }

    /// Creating the reader's customer at the provider: once per reader.
    pub fn customer(reader: &ReaderId) -> Self {
        Self(format!("customer:{reader}"))
    }

    /// Creating the provider's product for a stored tier price (named by
    /// its row id): once per price.
    pub fn product(tier_price: &str) -> Self {
        Self(format!("product:{tier_price}"))
    }

    /// Creating the provider's price for a stored tier price: once.
    pub fn price(tier_price: &str) -> Self {
        Self(format!("price:{tier_price}"))
    }

    /// Creating the provider's coupon for an offer (named by its code):
    /// once per offer.
    pub fn coupon(offer_code: &str) -> Self {
        Self(format!("coupon:{offer_code}"))
    }

    /// One write of `masthead stripe setup`: `what` names the object and
    /// `fingerprint` the state asked for, so a retried run is replayed by
    /// Stripe and a run asking for something else is a new call.
    pub fn setup(what: &str, fingerprint: &str) -> Self {
        Self(format!("setup:{what}:{fingerprint}"))
    }

    /// Opening a billing portal session: a double click within the same
    /// minute gets the same session, a visit later a fresh one.
    pub fn portal(reader: &ReaderId, now: DateTime<Utc>) -> Self {
        Self(format!("portal:{reader}:{}", now.timestamp() / 60))
    }

    /// Refunding what is left of a payment: the refunded amount so far is
    /// part of the key, so a retry repeats it until the refund is recorded,
    /// and a later refund of a remainder is a new action.
    pub fn refund(payment: &PaymentRow) -> Self {
        Self(format!("refund:{}:{}", payment.id, payment.refunded_cents))
    }

    /// Setting a subscription to end at its period end.
    pub fn cancel(subscription: &SubscriptionRow) -> Self {
        Self::for_subscription("cancel", subscription)
    }

    /// Ending a subscription at the provider now (a refund, or staff
    /// ending it): final, so once per subscription.
    pub fn cancel_now(subscription: &SubscriptionRow) -> Self {
        Self(format!("cancel-now:{}", subscription.id))
    }

    /// A call a webhook event made necessary, named by the follow-up's id
    /// (the event and the kind): once, however often it is retried.
    pub fn follow_up(id: &str) -> Self {
        Self(format!("follow-up:{id}"))
    }

    /// Moving a subscription to a scheduled price (`price_changes`): once
    /// per subscription and price change, however often the sweep retries.
    pub fn price_change(subscription: &SubscriptionRow, change: &str) -> Self {
        Self(format!("price-change:{}:{change}", subscription.id))
    }

    /// Undoing a cancellation before the period ends.
    pub fn resume(subscription: &SubscriptionRow) -> Self {
        Self::for_subscription("resume", subscription)
    }

    /// Changing the plan of a subscription (or undoing a pending change),
    /// once per version of the subscription and target plan.
    pub fn plan_change(subscription: &SubscriptionRow, action: &str) -> Self {
        Self::for_subscription(&format!("plan-{action}"), subscription)
    }

    /// `<action>:<subscription id>:<period end>:<version>`. The version is
    /// the row's `updated_at` (every transition and renewal moves it), so a
    /// retry of a call whose change was never stored repeats the key, and
    /// the same action later in the subscription's life does not.
    fn for_subscription(action: &str, subscription: &SubscriptionRow) -> Self {
        let period_end = subscription.current_period_end.map_or_else(
            || "open".to_owned(),
            |end| end.and_utc().timestamp().to_string(),
        );
        let version = subscription.updated_at.and_utc().timestamp_micros();
        Self(format!(
            "{action}:{}:{period_end}:{version}",
            subscription.id
        ))
    }

    /// The key as sent.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for IdempotencyKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{DateTime, Duration};

    fn subscription(updated_at: i64) -> SubscriptionRow {
        let at = |secs: i64| DateTime::from_timestamp(secs, 0).unwrap().naive_utc();
        SubscriptionRow {
            id: "sub-1".to_owned(),
            reader_id: "reader-1".to_owned(),
            tier_id: "digital".to_owned(),
            state: "active".to_owned(),
            billing_interval: Some("month".to_owned()),
            current_period_start: Some(at(1_000)),
            current_period_end: Some(at(2_000)),
            grace_ends_at: None,
            comped_until: None,
            cancel_reason: None,
            provider: Some("dev".to_owned()),
            provider_customer_id: None,
            provider_subscription_id: None,
            started_at: at(1_000),
            ended_at: None,
            created_at: at(1_000),
            updated_at: at(updated_at),
            duplicate_of: None,
        }
    }

    #[test]
    fn checkout_keys_name_the_checkout() {
        let id = CheckoutId::generate();
        assert_eq!(
            IdempotencyKey::checkout(&id).as_str(),
            format!("checkout:{id}")
        );
    }

    #[test]
    fn subscription_keys_repeat_for_a_retry_and_change_with_the_row() {
        let before = subscription(1_500);
        assert_eq!(
            IdempotencyKey::cancel(&before).as_str(),
            "cancel:sub-1:2000:1500000000"
        );
        assert_eq!(
            IdempotencyKey::cancel(&before),
            IdempotencyKey::cancel(&before.clone())
        );
        let mut later = before.clone();
        later.updated_at += Duration::microseconds(1);
        assert_ne!(
            IdempotencyKey::cancel(&before),
            IdempotencyKey::cancel(&later)
        );
        assert_ne!(
            IdempotencyKey::cancel(&before),
            IdempotencyKey::resume(&before)
        );
    }

    #[test]
    fn portal_keys_change_by_the_minute() {
        let reader = ReaderId::from_db("reader-1".to_owned());
        let at = |secs: i64| DateTime::from_timestamp(secs, 0).unwrap();
        assert_eq!(
            IdempotencyKey::portal(&reader, at(120)),
            IdempotencyKey::portal(&reader, at(179))
        );
        assert_ne!(
            IdempotencyKey::portal(&reader, at(120)),
            IdempotencyKey::portal(&reader, at(180))
        );
    }

    #[test]
    fn an_open_ended_period_still_gives_a_key() {
        let mut open = subscription(1_500);
        open.current_period_end = None;
        assert_eq!(
            IdempotencyKey::resume(&open).as_str(),
            "resume:sub-1:open:1500000000"
        );
    }
}
