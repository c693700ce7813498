//! Recording a gift's payment, for both providers: `open` to `paid` once
//! (a conditional update, so Stripe's event delivered twice, or the
//! development page's Pay pressed twice, records one payment), with, in
//! the same transaction, the buyer's receipt (and its refund link) and the
//! delivery job due at the date the buyer chose.

use super::{facts, plan_name};
use crate::db::DbConnection;
use crate::db::gifts::{self, GiftRow};
use crate::domain::{GiftId, GiftStatus, Guarantee, JobKind};
use crate::error::ApiError;
use crate::mail::{Letters, messages};
use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};

/// The payload of a `deliver_gift` job.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(super) struct Delivery {
    /// The gift to deliver.
    pub gift: String,
}

/// Records that `payment` paid gift `id` at `now`. Returns the gift, or
/// `None` when it was not `open` (paid already, expired, unknown). A
/// reported amount or currency other than the quoted one is refused (500,
/// logged, so the event is retried and staff look at it) rather than
/// recorded as a gift nobody paid in full for.
pub fn complete_paid_gift(
    conn: &mut DbConnection,
    letters: &Letters,
    id: &GiftId,
    payment: &str,
    reported: Option<(i64, &str)>,
    now: NaiveDateTime,
) -> Result<Option<GiftRow>, ApiError> {
    let Some(gift) = gifts::find(conn, id)? else {
        return Ok(None);
    };
    if gift.status() != Some(GiftStatus::Open) {
        return Ok(None);
    }
    if let Some((amount, currency)) = reported
        && (amount != gift.amount_cents || !currency.eq_ignore_ascii_case(&gift.currency))
    {
        return Err(anyhow::anyhow!(
            "gift {} was quoted {} {} but the provider reports {amount} {currency}",
            gift.id,
            gift.amount_cents,
            gift.currency
        )
        .into());
    }
    let (refund_token, refund_hash) = crate::auth::new_gift_link_token();
    if !gifts::mark_paid(conn, id, payment, &refund_hash, now)? {
        return Ok(None);
    }
    let plan = plan_name(conn, &gift)?;
    let guarantee = Guarantee::new(now.and_utc(), letters.settings().refund_window_days);
    let receipt = messages::gift_receipt(
        letters,
        &facts(&gift, &plan),
        gift.deliver_at.max(now),
        guarantee.ends.naive_utc(),
        &refund_token,
    );
    crate::jobs::queue_email(conn, &receipt)?;
    crate::jobs::enqueue(
        conn,
        JobKind::DeliverGift,
        &Delivery {
            gift: gift.id.clone(),
        },
        gift.deliver_at.max(now),
        Some(&format!("deliver_gift:{}", gift.id)),
    )?;
    Ok(gifts::find(conn, id)?)
}
