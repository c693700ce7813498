//! What the provider seam takes and answers, whichever provider is in
//! use: the request to open a payment page, the page opened, a refund
//! made, and why a call failed.

use crate::db::offers::Offer;
use crate::db::readers::ReaderRow;
use crate::db::tiers::{Tier, TierPrice};
use crate::domain::CheckoutId;
use crate::error::ApiError;

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
    /// The offer the checkout redeems, whose discount the provider applies
    /// (Stripe: a coupon).
    pub offer: Option<&'a Offer>,
    /// Free days before the first payment (0: none).
    pub trial_days: u32,
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
    /// The provider refused the call (a price it does not know, a charge
    /// already refunded): 502, nothing changed here.
    #[error("{0}")]
    Rejected(String),
    /// The provider answered something unreadable: 502.
    #[error("{0}")]
    BadResponse(String),
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
            ProviderError::Rejected(detail) => Self::BadGateway {
                code: "payment_provider_rejected",
                detail,
            },
            ProviderError::BadResponse(detail) => Self::BadGateway {
                code: "payment_provider_bad_response",
                detail,
            },
            ProviderError::Unexpected(error) => Self::Unexpected(error),
        }
    }
}

/// A refund the provider made (or, for the development provider, that
/// needed no provider at all).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProviderRefund {
    /// The provider's refund id (Stripe `re_...`); `None` when no provider
    /// holds the money (development), so nothing there needs undoing.
    pub provider_refund_id: Option<String>,
    /// The amount given back, in the payment's minor units.
    pub amount_cents: i64,
}
