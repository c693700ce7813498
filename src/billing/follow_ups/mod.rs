//! Calls to Stripe that a webhook event makes necessary: learning the
//! payment intent behind an invoice (API versions since 2025-03-31 name it
//! only on the invoice's payments), ending the Stripe subscription after a
//! full refund made in the dashboard, pausing collection while a dispute
//! runs and resuming it when the dispute is won, ending it when lost, and
//! cancelling and refunding a duplicate paid subscription, and ending a
//! second free trial on one card.
//!
//! A handler never calls Stripe itself: it queues the follow-up in the
//! event's own transaction (so it is durable exactly when the event is),
//! and a `run_provider_follow_ups` job on the durable queue (`crate::jobs`),
//! queued in that same transaction, makes the call after the webhook is
//! answered; each retry, with backoff, is another such job at its time, and
//! the periodic sweep picks up what a crash left mid-attempt. Each
//! follow-up is called once at Stripe (its id is the `Idempotency-Key`). Each follow-up stays visible, with its status and
//! last error, in the staff reader view; its provider is `stripe`; what it changes is recorded as `provider:stripe`.

mod job;
mod run;

pub use crate::domain::FollowUpKind;
pub use job::RunFollowUps;
pub use run::run_due;

use crate::db::DbConnection;
use crate::db::provider_follow_ups::{self, NewFollowUp};
use crate::domain::FollowUpStatus;
use crate::error::ApiError;
use chrono::NaiveDateTime;

/// One follow-up to queue.
#[derive(Debug, Clone, Copy)]
pub struct FollowUp<'a> {
    /// The event that made it necessary (`evt_...`): with the kind, its id.
    pub event: &'a str,
    /// What to do.
    pub kind: FollowUpKind,
    /// The provider's object it acts on (`in_...`, `sub_...`).
    pub target: &'a str,
    /// Our subscription it is for, when known.
    pub subscription: Option<&'a str>,
    /// Why, for staff: the event's type and id.
    pub reason: &'a str,
}

/// Queues `follow_up` (inside the event's transaction); queuing the same
/// event's follow-up of the same kind twice queues it once.
pub(crate) fn queue(
    conn: &mut DbConnection,
    follow_up: &FollowUp<'_>,
    now: NaiveDateTime,
) -> Result<(), ApiError> {
    let id = format!("{}:{}", follow_up.event, follow_up.kind.as_str());
    queue_as(conn, &id, follow_up, now)
}

/// Queues `follow_up` under `id` (its Stripe `Idempotency-Key` too),
/// unless a follow-up with that id was queued before, by whichever event:
/// for actions that must happen once per object, not once per event (a
/// duplicate subscription is cancelled once, each payment refunded once).
pub(crate) fn queue_as(
    conn: &mut DbConnection,
    id: &str,
    follow_up: &FollowUp<'_>,
    now: NaiveDateTime,
) -> Result<(), ApiError> {
    provider_follow_ups::queue(
        conn,
        &NewFollowUp {
            id,
            provider: super::provider::StripeProvider::NAME,
            kind: follow_up.kind.as_str(),
            target: follow_up.target,
            subscription_id: follow_up.subscription,
            reason: follow_up.reason,
            status: FollowUpStatus::Pending,
            next_attempt_at: now,
            created_at: now,
        },
    )?;
    job::queue_run(conn, id, 0, now)?;
    tracing::info!(follow_up = %id, target = follow_up.target, "stripe follow-up queued");
    Ok(())
}
