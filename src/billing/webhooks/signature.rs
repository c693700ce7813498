//! Checking that a delivery comes from Stripe. The check itself is
//! async-stripe's (`Webhook::construct_event`): the `Stripe-Signature`
//! header's `t` and every `v1` (so a rotated secret's two signatures both
//! work), HMAC-SHA256 of `"{t}.{raw body}"` compared in constant time, and
//! at most 300 seconds between `t` and now. Its typed parsing of the event
//! comes after the signature and timestamp checks; when it rejects a shape
//! newer than the SDK (a `BadParse`), the signature was good, and the
//! handlers read the event as plain JSON anyway.

use crate::error::ApiError;
use stripe_webhook::{Webhook, WebhookError};

/// How far `t` may be from now, in seconds (Stripe's default, which
/// async-stripe applies).
pub const TOLERANCE_SECONDS: i64 = 300;

/// Verifies `signature` (the `Stripe-Signature` header) over the raw
/// `body` with `secret`. 400 `missing_signature`, `invalid_signature`
/// (also for a body that is not UTF-8, which Stripe never sends) or
/// `stale_signature`; nothing else is looked at before this passes.
pub fn verify(body: &[u8], signature: Option<&str>, secret: &str) -> Result<(), ApiError> {
    let signature = signature
        .map(str::trim)
        .filter(|value| !value.is_empty())
        .ok_or_else(|| {
            ApiError::bad_request(
                "missing_signature",
                "the Stripe-Signature header is required",
            )
        })?;
    let body = std::str::from_utf8(body).map_err(|_| invalid())?;
    match Webhook::construct_event(body, signature, secret) {
        Ok(_) | Err(WebhookError::BadParse(_)) => Ok(()),
        Err(WebhookError::BadTimestamp(at)) => Err(ApiError::bad_request(
            "stale_signature",
            format!(
                "the signature's timestamp {at} is more than {TOLERANCE_SECONDS} seconds from now"
            ),
        )),
        Err(WebhookError::BadKey | WebhookError::BadHeader(_) | WebhookError::BadSignature) => {
            Err(invalid())
        }
    }
}

fn invalid() -> ApiError {
    ApiError::bad_request(
        "invalid_signature",
        "the Stripe-Signature header does not match the body",
    )
}
