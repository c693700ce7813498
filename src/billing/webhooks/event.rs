//! The envelope every Stripe event shares: id, type, creation time and the
//! object it is about, read from plain JSON (after the signature check) so
//! that an API version newer than the SDK never loses an event.

use super::fields;
use crate::error::ApiError;
use chrono::NaiveDateTime;
use serde_json::Value;

/// One verified Stripe event.
#[derive(Debug, Clone)]
pub struct StripeEvent {
    /// `evt_...`: unique, recorded so a redelivery applies once.
    pub id: String,
    /// `invoice.paid`, `customer.subscription.updated`, ...
    pub kind: String,
    /// When Stripe created the event: the time of the object's snapshot it
    /// carries, which orders the snapshots of one subscription.
    pub created: Option<NaiveDateTime>,
    /// `data.object`: the object as it was at `created`.
    pub object: Value,
    /// Whether Stripe sent it from live mode (`true`) or test mode; every
    /// event carries it (<https://docs.stripe.com/api/events/object#event_object-livemode>).
    pub livemode: Option<bool>,
    /// The API version the object is rendered in (the endpoint's version).
    pub api_version: Option<String>,
}

impl StripeEvent {
    /// Reads the envelope of a (verified) body: 400 `malformed_event` when
    /// it is not JSON or lacks an id, a type or an object.
    pub fn from_body(body: &[u8]) -> Result<Self, ApiError> {
        let malformed = |detail: &str| ApiError::bad_request("malformed_event", detail.to_owned());
        let mut value: Value =
            serde_json::from_slice(body).map_err(|_| malformed("the event is not JSON"))?;
        let id = fields::text(&value, &["id"])
            .ok_or_else(|| malformed("the event has no id"))?
            .to_owned();
        let kind = fields::text(&value, &["type"])
            .ok_or_else(|| malformed("the event has no type"))?
            .to_owned();
        let created = fields::time(&value, &["created"]);
        let livemode = fields::flag(&value, &["livemode"]);
        let api_version = fields::text(&value, &["api_version"]).map(str::to_owned);
        let object = value
            .get_mut("data")
            .and_then(|data| data.get_mut("object"))
            .filter(|object| object.is_object())
            .map(Value::take)
            .ok_or_else(|| malformed("the event has no data.object"))?;
        Ok(Self {
            id,
            kind,
            created,
            object,
            livemode,
            api_version,
        })
    }

    /// The id of the object the event is about.
    pub fn object_id(&self) -> Option<&str> {
        fields::text(&self.object, &["id"])
    }

    /// When it happened by Stripe's clock, never later than `now` (a clock
    /// ahead of ours) and `now` when Stripe did not say.
    pub fn happened_at(&self, now: NaiveDateTime) -> NaiveDateTime {
        self.created.map_or(now, |created| created.min(now))
    }
}
