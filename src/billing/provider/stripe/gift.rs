//! A gift at Stripe: a Checkout Session in `payment` mode for the gift's
//! price (an inline `price_data`: a gift is priced once, nothing renews,
//! so no Stripe Price is kept, but it carries the configured tax behaviour
//! and the tier's tax code as Masthead's Prices do, and Stripe Tax when
//! `MASTHEAD_STRIPE_AUTOMATIC_TAX` is on), and the refund of its payment
//! intent.
//! <https://docs.stripe.com/payments/checkout/how-checkout-works>,
//! <https://docs.stripe.com/api/refunds/create>.

use super::checkout::{TaxedBuyer, with_automatic_tax};
use super::errors::from_stripe;
use super::{StripeProvider, once_with};
use crate::billing::provider::{
    GiftCheckoutRequest, IdempotencyKey, ProviderError, ProviderRefund, StartedCheckout,
};
use crate::domain::GiftId;
use crate::error::ApiError;
use crate::site_url::SitePage;
use std::collections::HashMap;
use std::convert::Infallible;
use stripe::StripeRequest;
use stripe_checkout::CheckoutSessionMode;
use stripe_checkout::checkout_session::{
    CreateCheckoutSession, CreateCheckoutSessionLineItems, CreateCheckoutSessionLineItemsPriceData,
    CreateCheckoutSessionLineItemsPriceDataTaxBehavior as TaxBehavior,
    CreateCheckoutSessionPaymentIntentData, ProductData,
};
use stripe_core::refund::CreateRefund;

impl StripeProvider {
    /// Opens the gift's payment page (once per gift: `key`).
    pub(in crate::billing) async fn start_gift_checkout(
        &self,
        request: &GiftCheckoutRequest<'_>,
        key: &IdempotencyKey,
    ) -> Result<StartedCheckout, ApiError> {
        let gift = request.gift_id.as_str();
        let metadata = HashMap::from([
            ("gift_id".to_owned(), gift.to_owned()),
            ("tier".to_owned(), request.tier_id.to_owned()),
            ("months".to_owned(), request.months.to_string()),
        ]);
        let currency: stripe_types::Currency = request
            .currency
            .parse()
            .unwrap_or_else(|never: Infallible| match never {});
        let mut price = CreateCheckoutSessionLineItemsPriceData::new(currency);
        price.unit_amount = Some(request.amount_cents);
        price.tax_behavior = Some(tax_behavior(self.tax.behavior));
        let mut product = ProductData::new(format!(
            "{} months of {} (gift)",
            request.months, request.tier_name
        ));
        product.tax_code = Some(self.tax.code(request.printed).to_owned());
        price.product_data = Some(product);
        let mut line = CreateCheckoutSessionLineItems::new();
        line.price_data = Some(price);
        line.quantity = Some(1);
        let mut intent = CreateCheckoutSessionPaymentIntentData::new();
        intent.metadata = Some(metadata.clone());
        let mut session = CreateCheckoutSession::new()
            .mode(CheckoutSessionMode::Payment)
            .customer_email(request.buyer_email)
            .client_reference_id(gift)
            .line_items(vec![line])
            .payment_intent_data(intent)
            .metadata(metadata)
            .success_url(self.link(
                SitePage::CheckoutSuccess,
                &[("gift_id", gift), ("session_id", "{CHECKOUT_SESSION_ID}")],
            ))
            .cancel_url(self.link(SitePage::CheckoutCanceled, &[("gift_id", gift)]));
        if self.tax.automatic {
            session = with_automatic_tax(session, TaxedBuyer::Guest);
        }
        let session = session
            .customize()
            .request_strategy(once_with(key)?)
            .send(self.client.as_ref())
            .await
            .map_err(|e| from_stripe("open a gift checkout session", e))?;
        let url = session.url.ok_or_else(|| {
            ProviderError::BadResponse(
                "the payment provider opened a checkout session without a URL".to_owned(),
            )
        })?;
        Ok(StartedCheckout {
            provider_session_id: session.id.as_str().to_owned(),
            url,
        })
    }

    /// Refunds `amount_cents` of the gift's payment intent (or charge).
    pub(in crate::billing) async fn refund_gift(
        &self,
        gift: &GiftId,
        payment: &str,
        amount_cents: i64,
        key: &IdempotencyKey,
    ) -> Result<ProviderRefund, ProviderError> {
        let metadata = HashMap::from([("gift_id".to_owned(), gift.as_str().to_owned())]);
        let request = CreateRefund::new().amount(amount_cents).metadata(metadata);
        let request = if payment.starts_with("pi_") {
            request.payment_intent(payment)
        } else {
            request.charge(payment)
        };
        let refund = request
            .customize()
            .request_strategy(once_with(key)?)
            .send(self.client.as_ref())
            .await
            .map_err(|e| from_stripe("refund the gift", e))?;
        Ok(ProviderRefund {
            provider_refund_id: Some(refund.id.as_str().to_owned()),
            amount_cents: refund.amount,
        })
    }
}

/// The configured tax behaviour on an inline price, as on Masthead's
/// Prices (`prices.rs`).
fn tax_behavior(behavior: crate::settings::TaxBehavior) -> TaxBehavior {
    match behavior {
        crate::settings::TaxBehavior::Exclusive => TaxBehavior::Exclusive,
        crate::settings::TaxBehavior::Inclusive => TaxBehavior::Inclusive,
    }
}
