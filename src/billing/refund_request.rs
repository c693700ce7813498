//! A reader asks for their money back: a pending request for support to
//! approve (which refunds) or deny. One pending request per subscription;
//! asking again while one is pending is 409, not a second request.

use crate::db::refund_requests::{self, NewRefundRequest, RefundRequestRow};
use crate::db::{self, Database, payments, readers, subscriptions};
use crate::domain::{ReaderId, Reason, RefundRequestStatus, SubscriptionState};
use crate::error::ApiError;
use crate::mail::Letters;
use chrono::Utc;
use std::sync::Arc;

/// A new request and the first payment of its subscription (the
/// guarantee counts from it).
#[derive(Debug, Clone)]
pub struct RequestedRefund {
    /// The stored request.
    pub request: RefundRequestRow,
    /// When the subscription was first paid.
    pub first_paid_at: chrono::NaiveDateTime,
}

/// Records a pending refund request for the reader's newest subscription
/// that could be refunded (active, past due or canceling) and was paid,
/// and queues the email that acknowledges it (the caller wakes the queue).
pub async fn request_refund(
    db: &Database,
    letters: &Arc<Letters>,
    reader: &ReaderId,
    reason: Reason,
) -> Result<RequestedRefund, ApiError> {
    let reader = reader.clone();
    let letters = Arc::clone(letters);
    db.run(move |conn| {
        let now = Utc::now().naive_utc();
        db::write_transaction(conn, |conn| {
            readers::lock(conn, &reader)?;
            let refundable = subscriptions::for_reader(conn, &reader)?
                .into_iter()
                .find(|row| {
                    row.state()
                        .is_some_and(|s| s.can_become(SubscriptionState::Refunded))
                })
                .ok_or_else(nothing_to_refund)?;
            let first_paid_at = payments::for_subscription(conn, &refundable.subscription_id())?
                .iter()
                .find(|payment| payment.amount_cents > 0)
                .map(|payment| payment.paid_at)
                .ok_or_else(nothing_to_refund)?;
            if refund_requests::pending_for_subscription(conn, &refundable.id)?.is_some() {
                return Err(ApiError::conflict(
                    "refund_request_pending",
                    "you have already asked for a refund of this subscription; support will answer shortly",
                ));
            }
            let id = uuid::Uuid::now_v7().to_string();
            refund_requests::insert(
                conn,
                &NewRefundRequest {
                    id: &id,
                    subscription_id: &refundable.id,
                    reader_id: reader.as_str(),
                    reason: reason.as_str(),
                    status: RefundRequestStatus::Pending,
                    created_at: now,
                },
            )?;
            let request = refund_requests::find(conn, &id)?
                .ok_or_else(|| anyhow::anyhow!("refund request {id} vanished"))?;
            super::notices::queue_refund_request_received(conn, &letters, &request)?;
            Ok(RequestedRefund {
                request,
                first_paid_at,
            })
        })
    })
    .await
}

fn nothing_to_refund() -> ApiError {
    ApiError::conflict(
        "nothing_to_refund",
        "you have no paid subscription to refund",
    )
}
