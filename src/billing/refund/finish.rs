//! Step 4, and what happens when a provider call failed. Finishing is one
//! write transaction: the subscription becomes `refunded` (unless a
//! webhook reporting the same refund got there first), the claim is
//! marked done, the reader's request approved, the audit entry written,
//! and the reader told (the refund confirmed, or their request approved
//! with the staff member's reason): whichever of this and Stripe's refund
//! webhook ends the subscription, this is the one email, as the webhook
//! leaves a claimed refund's to it.

use super::RefundOrder;
use crate::billing::notices;
use crate::db::subscriptions::{self, SubscriptionChanges, SubscriptionRow, TransitionOutcome};
use crate::db::{self, Database, audit_log, readers, refund_claims, refund_requests};
use crate::domain::{ReaderId, RefundRequestStatus, SubscriptionState};
use crate::error::ApiError;
use crate::mail::Letters;
use chrono::Utc;
use serde_json::json;
use std::sync::Arc;

pub(super) async fn finish(
    db: &Database,
    letters: &Arc<Letters>,
    order: &RefundOrder,
    within_guarantee: bool,
) -> Result<SubscriptionRow, ApiError> {
    let order = order.clone();
    let letters = Arc::clone(letters);
    db.run(move |conn| {
        let now = Utc::now().naive_utc();
        db::write_transaction(conn, |conn| {
            let id = &order.subscription;
            let current = subscriptions::find(conn, id)?;
            readers::lock(conn, &ReaderId::from_db(current.reader_id.clone()))?;
            let current = subscriptions::find(conn, id)?;
            if let Some(state) = current.state()
                && state.can_become(SubscriptionState::Refunded)
            {
                let changes = SubscriptionChanges {
                    ended_at: Some(Some(now)),
                    ..SubscriptionChanges::default()
                };
                let outcome = subscriptions::transition(
                    conn,
                    id,
                    state,
                    SubscriptionState::Refunded,
                    &changes,
                    &order.actor,
                    Some(&order.reason),
                    now,
                )?;
                if outcome == TransitionOutcome::Conflict {
                    return Err(ApiError::conflict(
                        "subscription_changed",
                        "the subscription changed while it was being refunded; try again",
                    ));
                }
            }
            refund_claims::finish(conn, id.as_str(), None, now)?;
            // The money moved: the request this approves is approved even if
            // a concurrent deny got there first, and any other pending
            // request of the subscription is closed with it.
            if let Some(request) = &order.request
                && !refund_requests::decide(
                    conn,
                    request,
                    RefundRequestStatus::Approved,
                    &order.actor,
                    Some(&order.reason),
                    now,
                )?
            {
                tracing::warn!(request = %request, "refund request decided concurrently while its refund went through; approved");
                refund_requests::overrule(conn, request, &order.actor, Some(&order.reason), now)?;
            }
            refund_requests::close_for_subscription(
                conn,
                id.as_str(),
                &order.actor,
                &order.reason,
                now,
            )?;
            let refunds = db::refunds::for_subscription(conn, id)?;
            let total: i64 = refunds.iter().map(|r| r.amount_cents).sum();
            let entry = order
                .audit
                .clone()
                .reader(&current.reader_id)
                .reason(Some(&order.reason))
                .details(&json!({
                    "refunded_cents": total,
                    "currency": refunds.first().map(|r| r.currency.as_str()),
                    "refunds": refunds.len(),
                    "within_guarantee": within_guarantee,
                    "override": order.override_window,
                    "refund_request": order.request,
                }))
                .at(now);
            audit_log::record(conn, &entry)?;
            let told = match &order.request {
                Some(_) => notices::Told::Approval(order.note.as_deref()),
                None => notices::Told::Refund,
            };
            notices::queue_refund_confirmed(conn, &letters, id, told, now)?;
            Ok(subscriptions::find(conn, id)?)
        })
    })
    .await
}

/// Releases the claim after a provider failure, keeping why, so the next
/// attempt may go ahead; the subscription is left as it was.
pub(super) async fn release(db: &Database, id: &crate::domain::SubscriptionId, error: &ApiError) {
    let (id, why) = (id.clone(), error.to_string());
    let released = db
        .run(move |conn| {
            let now = Utc::now().naive_utc();
            Ok(refund_claims::finish(conn, id.as_str(), Some(&why), now)?)
        })
        .await;
    if let Err(error) = released {
        tracing::error!(%error, "could not release a failed refund's claim; it frees itself when stale");
    }
}
