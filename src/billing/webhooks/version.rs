//! The API version events are rendered in. Masthead reads events as plain
//! JSON so a newer version loses nothing, but its handlers are written
//! against [`crate::billing::provider::stripe::API_VERSION`]; an endpoint set to
//! another version (Stripe renders each event in the endpoint's version,
//! <https://docs.stripe.com/webhooks/versioning>) is worth a warning, once
//! per event type so the log is not flooded.

use super::StripeEvent;
use crate::billing::provider::stripe::API_VERSION;
use std::collections::BTreeSet;
use std::sync::{LazyLock, Mutex};

static WARNED: LazyLock<Mutex<BTreeSet<String>>> = LazyLock::new(Mutex::default);

/// Logs a warning the first time an event type arrives in another API
/// version than the pinned one; `true` when this call warned.
pub fn warn_if_other(event: &StripeEvent) -> bool {
    let Some(version) = event.api_version.as_deref() else {
        return false;
    };
    if version == API_VERSION {
        return false;
    }
    let first = WARNED
        .lock()
        .is_ok_and(|mut warned| warned.insert(event.kind.clone()));
    if first {
        tracing::warn!(
            kind = %event.kind,
            event_version = version,
            pinned = API_VERSION,
            "stripe event rendered in another API version than Masthead is written against; set the webhook endpoint's version (warned once per event type)"
        );
    }
    first
}
