//! Which of a reader's subscriptions a staff listing or export shows the
//! reader by (subscriptions are given newest first).

use crate::db::subscriptions::{SubscriptionRow, WithPerks};
use chrono::{DateTime, NaiveDateTime, Utc};

/// The subscription to summarise a reader by: the newest one granting
/// access at `now`, else the newest of all (so support sees "expired").
pub fn current_subscription(
    subscriptions: &[WithPerks],
    now: DateTime<Utc>,
) -> Option<&SubscriptionRow> {
    granting_subscription(subscriptions, now)
        .or_else(|| subscriptions.iter().map(|(row, _)| row).next())
}

/// The newest subscription granting access at `now` (subscriptions are
/// given newest first).
pub fn granting_subscription(
    subscriptions: &[WithPerks],
    now: DateTime<Utc>,
) -> Option<&SubscriptionRow> {
    subscriptions
        .iter()
        .find(|(row, perks)| {
            row.snapshot(perks.clone())
                .is_some_and(|s| s.grants_access(now))
        })
        .map(|(row, _)| row)
}

/// What the reader has paid (or been comped) for up to.
pub fn paid_until(row: &SubscriptionRow) -> Option<NaiveDateTime> {
    row.current_period_end.or(row.comped_until)
}
