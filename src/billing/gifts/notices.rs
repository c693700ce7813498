//! Near a gift's end: the reader is offered to continue as a subscriber,
//! keeping the remaining gift days before the first payment. Queued by
//! the `gift_reminders` sweep (`billing::sweeps::reminders`), once per
//! gift end and threshold.

use super::super::notices::Ahead;
use crate::db::subscriptions::SubscriptionRow;
use crate::db::{DbConnection, readers, reminders_sent, tiers};
use crate::error::ApiError;
use crate::mail::Letters;
use crate::mail::messages::{self, To};
use chrono::NaiveDateTime;

/// Queues the offer to continue for gift subscription `row` ending at
/// `ahead.at`; `true` when queued (a deleted account gets nothing).
pub(crate) fn queue_gift_ending(
    conn: &mut DbConnection,
    letters: &Letters,
    row: &SubscriptionRow,
    ahead: &Ahead,
    now: NaiveDateTime,
) -> Result<bool, ApiError> {
    let reader = readers::find(conn, &row.reader_id())?;
    if reader.email.ends_with(".invalid") {
        return Ok(false);
    }
    let plan = tiers::find(conn, &row.tier_id)?.map_or_else(|| row.tier_id.clone(), |t| t.name);
    if !reminders_sent::mark(conn, &ahead.key, ahead.at, now)? {
        return Ok(false);
    }
    let email = messages::gift_ending(letters, To::reader(&reader), &plan, ahead.at);
    Ok(crate::jobs::queue_email_once(conn, &email, &ahead.key)?)
}
