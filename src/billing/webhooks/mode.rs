//! Test mode against live mode. Stripe keeps the two apart (separate keys,
//! objects and webhook endpoints, <https://docs.stripe.com/testing-use-cases#test-mode>),
//! and every event says which it comes from (`livemode`). An event from
//! the other mode than the configured secret key's is refused before
//! anything is read from it: a test-mode payment must never grant a real
//! reader access, and a live one must never land in a staging database.

use super::StripeEvent;
use crate::error::ApiError;

/// The mode a secret or restricted key belongs to: `Some(true)` for
/// `sk_live_`/`rk_live_`, `Some(false)` for `sk_test_`/`rk_test_`, `None`
/// for anything else (no key, or one we cannot tell).
pub fn key_mode(key: &str) -> Option<bool> {
    let (_, rest) = key.split_once('_')?;
    if rest.starts_with("live_") {
        Some(true)
    } else if rest.starts_with("test_") {
        Some(false)
    } else {
        None
    }
}

/// Refuses (400 `livemode_mismatch`, logged as an error) an event whose
/// `livemode` differs from the configured key's mode. Without a key, or
/// an event that does not say, there is nothing to compare.
pub fn check(event: &StripeEvent, secret_key: Option<&str>) -> Result<(), ApiError> {
    let (Some(expected), Some(sent)) = (secret_key.and_then(key_mode), event.livemode) else {
        return Ok(());
    };
    if expected == sent {
        return Ok(());
    }
    let name = |live: bool| if live { "live" } else { "test" };
    tracing::error!(
        event = %event.id,
        kind = %event.kind,
        event_mode = name(sent),
        key_mode = name(expected),
        "stripe event from the other mode than the configured key; refused, nothing changed (check the webhook endpoint and MASTHEAD_STRIPE_SECRET_KEY)"
    );
    Err(ApiError::bad_request(
        "livemode_mismatch",
        format!(
            "the event is from Stripe's {} mode but Masthead is configured with a {} mode key",
            name(sent),
            name(expected)
        ),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_modes() {
        assert_eq!(key_mode("sk_live_abc"), Some(true));
        assert_eq!(key_mode("rk_live_abc"), Some(true));
        assert_eq!(key_mode("sk_test_abc"), Some(false));
        assert_eq!(key_mode("rk_test_abc"), Some(false));
        assert_eq!(key_mode("sk_live"), None);
        assert_eq!(key_mode("whatever"), None);
    }
}
