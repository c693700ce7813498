//! Support denies a reader's refund request with a note the reader can be
//! told; the subscription is left as it is. Denying a denied request
//! answers it again; a request whose subscription is being (or was)
//! refunded cannot be denied. Approving refunds through
//! [`crate::billing::refund_subscription`]; [`refund_request_to_approve`]
//! finds the request it names.

use crate::db::audit_log::{self, AuditEntry};
use crate::db::refund_requests::{self, RefundRequestRow};
use crate::db::{self, Database, readers, refund_claims};
use crate::domain::{ReaderId, Reason, RefundClaimStatus, RefundRequestStatus};
use crate::error::ApiError;
use crate::mail::Letters;
use std::sync::Arc;

/// 404 for a refund request id nobody was given.
pub fn refund_request_not_found() -> ApiError {
    ApiError::not_found("refund_request_not_found", "no refund request has this id")
}

/// 409 for a request decided the other way before.
pub fn refund_request_decided(status: &str) -> ApiError {
    ApiError::conflict(
        "refund_request_decided",
        format!("this refund request was already {status}"),
    )
}

/// The request support is about to approve: pending, or approved before
/// (approving again replays the result); 404 for an unknown id, 409
/// `refund_request_decided` when it was denied.
pub async fn refund_request_to_approve(
    db: &Database,
    id: String,
) -> Result<RefundRequestRow, ApiError> {
    let row = db
        .run(move |conn| Ok(refund_requests::find(conn, &id)?))
        .await?
        .ok_or_else(refund_request_not_found)?;
    match row.status {
        RefundRequestStatus::Pending | RefundRequestStatus::Approved => Ok(row),
        other @ RefundRequestStatus::Denied => Err(refund_request_decided(other.as_str())),
    }
}

/// Denies request `id` on behalf of `actor` (`staff:<id>`) with `note`,
/// appending `audit` and queuing the reader's email (with the note) in the
/// same transaction; returns the request, denied. The caller wakes the
/// queue.
pub async fn deny_refund_request(
    db: &Database,
    letters: &Arc<Letters>,
    id: String,
    (actor, note): (String, Reason),
    audit: AuditEntry,
) -> Result<RefundRequestRow, ApiError> {
    let letters = Arc::clone(letters);
    db.run(move |conn| {
        let now = chrono::Utc::now().naive_utc();
        db::write_transaction(conn, |conn| {
            let request = refund_requests::find(conn, &id)?.ok_or_else(refund_request_not_found)?;
            match request.status {
                // Denying again replays the decision.
                RefundRequestStatus::Denied => return Ok(Some(request)),
                RefundRequestStatus::Pending => {}
                other @ RefundRequestStatus::Approved => {
                    return Err(refund_request_decided(other.as_str()));
                }
            }
            // Serialised with the refund of the same subscription (which
            // locks the reader too): a refund under way or done wins.
            readers::lock(conn, &ReaderId::from_db(request.reader_id.clone()))?;
            if let Some(claim) = refund_claims::find(conn, &request.subscription_id)?
                && claim.status != RefundClaimStatus::Failed
            {
                return Err(ApiError::conflict(
                    "refund_in_progress",
                    "this subscription is being refunded (or was); the request cannot be denied",
                ));
            }
            if !refund_requests::decide(
                conn,
                &id,
                RefundRequestStatus::Denied,
                &actor,
                Some(note.as_str()),
                now,
            )? {
                return Err(refund_request_decided("decided"));
            }
            let entry = audit
                .reader(&request.reader_id)
                .reason(Some(note.as_str()))
                .details(&serde_json::json!({"subscription": request.subscription_id}))
                .at(now);
            audit_log::record(conn, &entry)?;
            super::notices::queue_refund_request_denied(conn, &letters, &request, note.as_str())?;
            Ok(refund_requests::find(conn, &id)?)
        })
    })
    .await?
    .ok_or_else(|| anyhow::anyhow!("a decided refund request vanished").into())
}
