//! What a failed Stripe call means for the reader: Stripe down, slow or
//! overloaded is a 503 to retry later; Stripe refusing the call (a bad
//! price, a charge already refunded) or answering nonsense is a 502, with
//! Stripe's own message logged for the operators, not shown to readers.

use super::super::ProviderError;
use stripe::StripeError;

/// Converts a failure of the call that tried to `action` (e.g. "open a
/// checkout session").
pub(super) fn from_stripe(action: &str, error: StripeError) -> ProviderError {
    match error {
        StripeError::Stripe(api, status) if status == 409 || status == 429 || status >= 500 => {
            tracing::warn!(status, message = ?api.message, "Stripe could not {action}");
            ProviderError::Unavailable(format!(
                "the payment provider could not {action} right now; try again shortly"
            ))
        }
        StripeError::Stripe(api, status) => {
            tracing::warn!(status, code = ?api.code, message = ?api.message, "Stripe refused to {action}");
            ProviderError::Rejected(format!("the payment provider refused to {action}"))
        }
        StripeError::ClientError(message) => {
            tracing::warn!(%message, "Stripe unreachable trying to {action}");
            ProviderError::Unavailable(format!(
                "the payment provider cannot be reached to {action}; try again shortly"
            ))
        }
        StripeError::Timeout => ProviderError::Unavailable(format!(
            "the payment provider did not answer in time to {action}; try again shortly"
        )),
        StripeError::JSONDeserialize(message) => {
            tracing::warn!(%message, "Stripe's answer to {action} is unreadable");
            ProviderError::BadResponse(format!(
                "the payment provider's answer to {action} could not be read"
            ))
        }
        StripeError::ConfigError(message) => {
            ProviderError::Unexpected(anyhow::anyhow!("Stripe client misconfigured: {message}"))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn network_trouble_is_retryable_and_nonsense_is_not() {
        assert!(matches!(
            from_stripe("x", StripeError::Timeout),
            ProviderError::Unavailable(_)
        ));
        assert!(matches!(
            from_stripe("x", StripeError::ClientError("refused".into())),
            ProviderError::Unavailable(_)
        ));
        assert!(matches!(
            from_stripe("x", StripeError::JSONDeserialize("eof".into())),
            ProviderError::BadResponse(_)
        ));
    }
}
