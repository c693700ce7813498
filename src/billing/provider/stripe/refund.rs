//! Refunding a payment at Stripe: what is left of it, against its charge
//! (`ch_...`) or payment intent (`pi_...`), whichever we recorded; for a
//! payment recorded only under its invoice, the one its payments name.

use super::errors::from_stripe;
use super::{StripeProvider, once_with};
use crate::billing::provider::IdempotencyKey;
use crate::billing::provider::ProviderError;
use crate::billing::provider::ProviderRefund;
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
        // A payment still known only by its invoice (its follow-up has not
        // run yet): Stripe refunds payment intents and charges, never
        // invoices, so ask the invoice which paid it.
        let learnt;
        let paid_by = if payment.provider_invoice_id.as_deref()
            == Some(payment.provider_payment_id.as_str())
        {
            let ids = self
                .invoice_payment_ids(&payment.provider_payment_id)
                .await?;
            learnt = ids.payment_intent.or(ids.charge).ok_or_else(|| {
                ProviderError::Unavailable(
                    "the payment provider does not list the invoice's payment yet; try again shortly"
                        .to_owned(),
                )
            })?;
            learnt.as_str()
        } else {
            payment.provider_payment_id.as_str()
        };
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
