//! Stripe's webhooks: the events that drive Stripe-billed subscriptions.
//! [`verify`] checks the signature on the raw body; [`apply`] applies one
//! event in one write transaction that also records its id, so a
//! redelivered event (even one delivered twice at once) changes nothing.
//! Events may arrive in any order: each subscription remembers Stripe's
//! time of the newest snapshot applied and ignores older ones, and any of
//! `checkout.session.completed`, `customer.subscription.*` and
//! `invoice.paid` completes the checkout if it comes first. Handlers never
//! call the Stripe API: what they need is in the event, and a call to
//! Stripe an event makes necessary is queued as a follow-up in the event's
//! transaction and made after the answer ([`crate::billing::follow_ups`]).
//! An event from the other mode than the configured key's is refused
//! ([`mode`]).

mod apply;
mod checkout_session;
mod dispute;
mod duplicate;
mod event;
mod fields;
mod gift;
mod invoice;
mod invoice_unpaid;
mod link;
pub mod mode;
mod payment_method;
mod refund;
mod signature;
mod subscription;
mod version;

pub use super::provider::stripe::actor;
pub use event::StripeEvent;
pub use signature::{TOLERANCE_SECONDS, verify};
pub use version::warn_if_other as warn_if_other_api_version;

use crate::db::webhook_events::{self, NewWebhookEvent};
use crate::db::{self, Database, DbConnection};
use crate::domain::ReaderId;
use crate::error::ApiError;
use crate::mail::Letters;
use chrono::{Duration, NaiveDateTime, Utc};
use std::sync::Arc;

/// The provider name on Stripe's checkouts, subscriptions and payments.
pub const PROVIDER: &str = super::provider::stripe::StripeProvider::NAME;

/// What became of a delivery.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Applied {
    /// First delivery: applied and committed with its id.
    Applied,
    /// First delivery of a type Masthead does not act on: its id recorded,
    /// nothing else changed.
    Ignored,
    /// The id was recorded before: nothing changed.
    Duplicate,
}

/// What one event is applied with.
pub(crate) struct Context<'e> {
    pub event: &'e StripeEvent,
    /// Our clock: the time stored on rows and history.
    pub now: NaiveDateTime,
    /// Stripe's time of the event (never after `now`).
    pub at: NaiveDateTime,
    /// How long a `past_due` subscription keeps access.
    pub grace: Duration,
    /// Readers whose subscriptions changed, for the cache.
    pub touched: Vec<ReaderId>,
    /// Writes the emails an event causes (receipts, failed payments,
    /// cancellations, refunds), queued in its transaction.
    pub letters: &'e Letters,
}

impl Context<'_> {
    /// The reason the subscription history gives: the event's type and id.
    pub fn reason(&self) -> String {
        format!("{} {}", self.event.kind, self.event.id)
    }

    fn touch(&mut self, reader: &str) {
        if self.touched.iter().all(|known| known.as_str() != reader) {
            self.touched.push(ReaderId::from_db(reader.to_owned()));
        }
    }
}

/// Why a transaction is rolled back.
enum Abort {
    Duplicate,
    Failed(ApiError),
}

impl From<ApiError> for Abort {
    fn from(error: ApiError) -> Self {
        Self::Failed(error)
    }
}

impl From<diesel::result::Error> for Abort {
    fn from(error: diesel::result::Error) -> Self {
        Self::Failed(error.into())
    }
}

/// Applies a verified event: records its id and its effects in one write
/// transaction and returns the readers whose subscriptions changed (the
/// caller refreshes their cached entitlements, and wakes the queue for
/// the emails and follow-ups it queued). Any failure rolls it all back and
/// is a 5xx, so Stripe delivers it again.
pub async fn apply(
    db: &Database,
    letters: &Arc<Letters>,
    event: StripeEvent,
    grace_days: i64,
) -> Result<(Applied, Vec<ReaderId>), ApiError> {
    let letters = Arc::clone(letters);
    db.run(move |conn| {
        let now = Utc::now().naive_utc();
        let mut context = Context {
            at: event.happened_at(now),
            event: &event,
            now,
            grace: Duration::days(grace_days.max(0)),
            touched: Vec::new(),
            letters: &letters,
        };
        let outcome = db::write_transaction(conn, |conn| -> Result<Applied, Abort> {
            let new = webhook_events::record(
                conn,
                &NewWebhookEvent {
                    id: &event.id,
                    provider: PROVIDER,
                    event_type: &event.kind,
                    object_id: event.object_id(),
                    received_at: now,
                },
            )?;
            if !new {
                return Err(Abort::Duplicate);
            }
            dispatch(conn, &mut context).map_err(Abort::Failed)
        });
        match outcome {
            Ok(applied) => Ok((applied, context.touched)),
            Err(Abort::Duplicate) => {
                tracing::info!(event = %event.id, kind = %event.kind, "stripe event delivered again; ignored");
                Ok((Applied::Duplicate, Vec::new()))
            }
            Err(Abort::Failed(error)) => Err(error),
        }
    })
    .await
}

/// Every event type Masthead acts on, and so the `enabled_events` that
/// `masthead stripe setup` subscribes the webhook endpoint to. [`dispatch`]
/// ignores any type not listed here, so a handler cannot be added without
/// the endpoint receiving its events.
pub const HANDLED_EVENTS: &[&str] = &[
    "checkout.session.completed",
    "checkout.session.async_payment_succeeded",
    "checkout.session.expired",
    "customer.subscription.created",
    "customer.subscription.updated",
    "customer.subscription.deleted",
    "invoice.paid",
    "invoice.payment_failed",
    "invoice.payment_action_required",
    "invoice_payment.paid",
    "charge.refunded",
    "charge.refund.updated",
    "refund.created",
    "refund.updated",
    "refund.failed",
    "charge.dispute.created",
    "charge.dispute.closed",
    "charge.dispute.funds_reinstated",
    "payment_method.attached",
];

/// Applies the event by its type: `Ignored` for a type Masthead does not
/// act on (any type outside [`HANDLED_EVENTS`]).
fn dispatch(conn: &mut DbConnection, context: &mut Context<'_>) -> Result<Applied, ApiError> {
    let kind = context.event.kind.clone();
    if !HANDLED_EVENTS.contains(&kind.as_str()) {
        tracing::info!(event = %context.event.id, kind = %kind, "stripe event type not handled; recorded");
        return Ok(Applied::Ignored);
    }
    match kind.as_str() {
        "checkout.session.completed" | "checkout.session.async_payment_succeeded" => {
            checkout_session::completed(conn, context)
        }
        "checkout.session.expired" => checkout_session::expired(conn, context),
        "customer.subscription.created" | "customer.subscription.updated" => {
            subscription::changed(conn, context, false)
        }
        "customer.subscription.deleted" => subscription::changed(conn, context, true),
        "invoice.paid" => invoice::paid(conn, context),
        "invoice.payment_failed" => invoice_unpaid::payment_failed(conn, context),
        "invoice.payment_action_required" => {
            invoice_unpaid::payment_action_required(conn, context)
        }
        "invoice_payment.paid" => invoice::invoice_payment_paid(conn, context),
        "charge.refunded" => refund::charge_refunded(conn, context),
        kind if kind.starts_with("refund.") || kind.starts_with("charge.refund.") => {
            refund::refund_changed(conn, context)
        }
        "charge.dispute.created" => dispute::created(conn, context),
        "charge.dispute.closed" => dispute::closed(conn, context),
        "charge.dispute.funds_reinstated" => dispute::won(conn, context),
        "payment_method.attached" => payment_method::attached(conn, context),
        other => {
            tracing::error!(event = %context.event.id, kind = other, "stripe event type listed as handled has no handler; recorded");
            return Ok(Applied::Ignored);
        }
    }
    .map(|()| Applied::Applied)
}

#[cfg(test)]
mod tests {
    use super::HANDLED_EVENTS;

    #[test]
    fn the_setup_docs_name_every_handled_event() {
        let docs = include_str!("../../../docs/integration/stripe-setup.md");
        for event in HANDLED_EVENTS {
            assert!(
                docs.contains(&format!("| `{event}` |")),
                "docs/integration/stripe-setup.md explains why {event} is needed"
            );
        }
    }

    #[test]
    fn no_event_is_listed_twice() {
        let unique: std::collections::BTreeSet<_> = HANDLED_EVENTS.iter().collect();
        assert_eq!(unique.len(), HANDLED_EVENTS.len());
    }
}
