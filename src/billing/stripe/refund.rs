//! Refunding a payment at Stripe: what is left of it, against its charge
//! (`ch_...`) or payment intent (`pi_...`), whichever we recorded.

use super::errors::from_stripe;
use super::{StripeProvider, once_with};
use crate::billing::ProviderError;
use crate::billing::idempotency::IdempotencyKey;
use crate::billing::provider_refund::ProviderRefund;
use crate::db::payments::PaymentRow;
use std::collections::HashMap;
use stripe::StripeRequest;
use stripe_core::refund::CreateRefund;

impl StripeProvider {
    /// Refunds `amount_cents` of `payment` (once per `key`).
    pub(in crate::billing) async fn refund(
        &self,
        payment: &PaymentRow,
        amount_cents: i64,
        key: &IdempotencyKey,
    ) -> Result<ProviderRefund, ProviderError> {
        let paid_by = payment.provider_payment_id.as_str();
        let metadata = HashMap::from([
            ("payment_id".to_owned(), payment.id.clone()),
            (
                "subscription_id".to_owned(),
                payment.subscription_id.clone(),
            ),
        ]);
        let request = CreateRefund::new().amount(amount_cents).metadata(metadata);
        let request = if paid_by.starts_with("pi_") {
            request.payment_intent(paid_by)
        } else {
            request.charge(paid_by)
        };
        let refund = request
            .customize()
            .request_strategy(once_with(key)?)
            .send(self.client.as_ref())
            .await
            .map_err(|e| from_stripe("refund the payment", e))?;
        Ok(ProviderRefund {
            provider_refund_id: Some(refund.id.as_str().to_owned()),
            amount_cents: refund.amount,
        })
    }
}
