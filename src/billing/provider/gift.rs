//! The provider's part in gifts: a one-time payment page (Stripe Checkout
//! in `payment` mode; the development provider's own page) and the refund
//! of that payment. A gift has no customer, subscription or invoice at the
//! provider: the buyer may have no account, and nothing renews.

use super::{DevProvider, IdempotencyKey, Provider, ProviderRefund, StartedCheckout};
use crate::domain::GiftId;
use crate::error::ApiError;

/// What a provider needs to open a gift's payment page.
#[derive(Debug, Clone, Copy)]
pub struct GiftCheckoutRequest<'a> {
    /// Our gift, recorded before the provider is asked (Stripe carries it
    /// back as `client_reference_id` and in the metadata).
    pub gift_id: &'a GiftId,
    /// The tier's name, shown on the payment page.
    pub tier_name: &'a str,
    /// The tier's id.
    pub tier_id: &'a str,
    /// Whether the tier mails the print edition (taxed as print, not as a
    /// digital publication).
    pub printed: bool,
    /// How many months are given.
    pub months: u32,
    /// The price, in minor units of `currency`.
    pub amount_cents: i64,
    /// Lower-case ISO 4217.
    pub currency: &'a str,
    /// Where the provider sends its own receipt.
    pub buyer_email: &'a str,
}

impl DevProvider {
    /// The development page of a gift: `POST` its form to pay.
    pub fn gift_checkout_url(&self, id: &GiftId) -> String {
        format!("{}/v1/gifts/dev/checkout/{id}", self.public_url())
    }
}

impl Provider {
    /// Opens a one-time payment page for a gift.
    pub async fn start_gift_checkout(
        &self,
        request: &GiftCheckoutRequest<'_>,
    ) -> Result<StartedCheckout, ApiError> {
        let key = IdempotencyKey::gift_checkout(request.gift_id);
        match self {
            Self::Dev(dev) => {
                tracing::debug!(idempotency_key = %key, "dev provider: gift checkout opened");
                Ok(StartedCheckout {
                    provider_session_id: format!("dev_gs_{}", request.gift_id),
                    url: dev.gift_checkout_url(request.gift_id),
                })
            }
            Self::Stripe(stripe) => stripe.start_gift_checkout(request, &key).await,
        }
    }

    /// Gives back the whole of a gift's payment (`payment`, taken by
    /// `provider`), once per gift however often it is asked. A payment
    /// nobody holds (development) needs no call.
    pub async fn refund_gift(
        &self,
        gift: &GiftId,
        provider: &str,
        payment: &str,
        amount_cents: i64,
    ) -> Result<ProviderRefund, ApiError> {
        let unheld = ProviderRefund {
            provider_refund_id: None,
            amount_cents,
        };
        match (self, provider) {
            (_, DevProvider::NAME) => Ok(unheld),
            (Self::Stripe(stripe), name) if name == self.name() => {
                let key = IdempotencyKey::gift_refund(gift);
                Ok(stripe
                    .refund_gift(gift, payment, amount_cents, &key)
                    .await?)
            }
            (_, other) => Err(super::ProviderError::Unavailable(format!(
                "this gift was paid through {other}, which is not configured here"
            ))
            .into()),
        }
    }
}
