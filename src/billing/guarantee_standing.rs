//! Where a subscription stands under the money-back guarantee, as its
//! reader is shown it: until when the guarantee runs and whether asking
//! for a refund is open now. The rule itself is `domain::Guarantee`; this
//! only finds the first payment it counts from, so the account page and
//! the refund paths cannot disagree about the date.

use crate::db::subscriptions::SubscriptionRow;
use crate::db::{DbConnection, payments, refund_requests};
use crate::domain::{Guarantee, SubscriptionState};
use crate::error::ApiError;
use chrono::{DateTime, Utc};

/// The guarantee of one subscription at one moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GuaranteeStanding {
    /// When the guarantee ends (or ended); `None` before any money was
    /// taken (a trial's $0 invoice is not a payment, a comp or a gift is
    /// never paid on the subscription).
    pub ends_at: Option<DateTime<Utc>>,
    /// Whether the reader may ask for their money back now: inside the
    /// guarantee, on a subscription that can still be refunded, with no
    /// request of theirs waiting for support.
    pub refund_requestable: bool,
}

/// The standing of `row` at `now` under a guarantee of `window_days`.
pub fn guarantee_standing(
    conn: &mut DbConnection,
    row: &SubscriptionRow,
    window_days: i64,
    now: DateTime<Utc>,
) -> Result<GuaranteeStanding, ApiError> {
    let guarantee = payments::for_subscription(conn, &row.subscription_id())?
        .into_iter()
        .find(|payment| payment.amount_cents > 0)
        .map(|first| Guarantee::new(first.paid_at.and_utc(), window_days));
    let refundable = row
        .state()
        .is_some_and(|state| state.can_become(SubscriptionState::Refunded));
    let refund_requestable = match guarantee {
        Some(guarantee) if refundable && guarantee.covers(now) => {
            refund_requests::pending_for_subscription(conn, &row.id)?.is_none()
        }
        _ => false,
    };
    Ok(GuaranteeStanding {
        ends_at: guarantee.map(|guarantee| guarantee.ends),
        refund_requestable,
    })
}
