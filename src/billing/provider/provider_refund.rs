//! What a provider reports after giving money back.

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
