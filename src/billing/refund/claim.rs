//! Step 1: may this subscription be refunded by this staff member now, and
//! is nobody else already doing it? Runs in one write transaction, after
//! locking the reader's row, so concurrent callers are serialised on
//! PostgreSQL as they are on SQLite.

use super::RefundOrder;
use crate::billing::subscription_not_found;
use crate::db::payments::PaymentRow;
use crate::db::refund_claims::{self, NewRefundClaim};
use crate::db::subscriptions::SubscriptionRow;
use crate::db::{DbConnection, payments, readers, refund_requests, subscriptions};
use crate::domain::{
    Guarantee, ReaderId, RefundClaimStatus, RefundRefusal, RefundRequestStatus, SubscriptionState,
};
use crate::error::ApiError;
use chrono::{DateTime, Duration, Utc};
use diesel::OptionalExtension;

/// A claim older than this is taken to have died with its process (a
/// crash between the provider's answer and our record) and may be taken
/// over; the provider calls it repeats carry the same idempotency keys.
pub(super) const STALE_AFTER: Duration = Duration::minutes(5);

/// What the claim found.
#[allow(clippy::large_enum_variant, reason = "made once per refund call")]
pub(super) enum Claim {
    /// The refund was done before: answer with its result.
    Done,
    /// This call holds the claim and must do the work.
    Go {
        subscription: SubscriptionRow,
        payments: Vec<PaymentRow>,
        within_guarantee: bool,
    },
}

pub(super) fn claim(
    conn: &mut DbConnection,
    order: &RefundOrder,
    now: DateTime<Utc>,
) -> Result<Claim, ApiError> {
    let id = order.subscription.as_str();
    if let Some(key) = &order.idempotency_key
        && let Some(earlier) = refund_claims::find_by_key(conn, key)?
        && earlier.subscription_id != id
    {
        return Err(ApiError::unprocessable(
            "idempotency_key_reused",
            "this Idempotency-Key was used to refund another subscription; use a new key",
        ));
    }
    let subscription = subscriptions::find(conn, &order.subscription)
        .optional()?
        .ok_or_else(subscription_not_found)?;
    readers::lock(conn, &ReaderId::from_db(subscription.reader_id.clone()))?;
    let subscription = subscriptions::find(conn, &order.subscription)?;
    // Approving a request decided before replays the decision: approved
    // (by staff, or closed because the subscription was refunded another
    // way) answers with the refund's result; denied is a conflict.
    if let Some(request) = &order.request
        && let Some(row) = refund_requests::find(conn, request)?
    {
        match row.status {
            RefundRequestStatus::Approved => return Ok(Claim::Done),
            RefundRequestStatus::Pending => {}
            other @ RefundRequestStatus::Denied => {
                return Err(ApiError::conflict(
                    "refund_request_decided",
                    format!("this refund request was already {}", other.as_str()),
                ));
            }
        }
    }
    let existing = refund_claims::find(conn, id)?;
    if let Some(action) = &existing {
        match action.status {
            RefundClaimStatus::Succeeded => return Ok(Claim::Done),
            RefundClaimStatus::InProgress if now.naive_utc() - action.started_at < STALE_AFTER => {
                return Err(ApiError::conflict(
                    "refund_in_progress",
                    "a refund of this subscription is in progress; its result will follow shortly",
                ));
            }
            _ => {}
        }
    }
    check_refundable(&subscription)?;
    let payments = payments::for_subscription(conn, &order.subscription)?;
    // A $0 invoice (a trial) is not a payment: the guarantee starts at the
    // first money received.
    let Some(first) = payments.iter().find(|p| p.amount_cents > 0) else {
        return Err(ApiError::conflict(
            "nothing_to_refund",
            "this subscription has no payments to refund (a comp or an import); end it instead",
        ));
    };
    let within_guarantee = Guarantee::new(first.paid_at.and_utc(), order.window_days)
        .permits(order.role, now, order.override_window)
        .map_err(refusal)?;
    refund_claims::claim(
        conn,
        &NewRefundClaim {
            subscription_id: id,
            status: RefundClaimStatus::InProgress,
            idempotency_key: order.idempotency_key.as_deref(),
            actor: &order.actor,
            reason: &order.reason,
            failure: None,
            started_at: now.naive_utc(),
            finished_at: None,
        },
        existing.is_some(),
    )?;
    Ok(Claim::Go {
        subscription,
        payments,
        within_guarantee,
    })
}

/// Only a subscription that still grants (or could) can be refunded and
/// ended; a refunded or ended one says so.
fn check_refundable(subscription: &SubscriptionRow) -> Result<(), ApiError> {
    match subscription.state() {
        Some(state) if state.can_become(SubscriptionState::Refunded) => Ok(()),
        Some(SubscriptionState::Refunded) => Err(ApiError::conflict(
            "already_refunded",
            "this subscription has already been refunded",
        )),
        state => Err(ApiError::conflict(
            "not_refundable",
            format!(
                "a subscription that is {} cannot be refunded",
                state.map_or("in an unknown state", |s| s.as_str())
            ),
        )),
    }
}

fn refusal(refusal: RefundRefusal) -> ApiError {
    match refusal {
        RefundRefusal::WindowPassed { ended } => ApiError::forbidden(
            "guarantee_window_passed",
            format!(
                "the money-back guarantee ended on {}; only an admin can refund now",
                crate::domain::rfc3339_seconds(ended)
            ),
        ),
        RefundRefusal::OverrideRequired { ended } => ApiError::unprocessable(
            "override_required",
            format!(
                "the money-back guarantee ended on {}; send `override: true` with a reason to refund anyway",
                crate::domain::rfc3339_seconds(ended)
            ),
        ),
    }
}
