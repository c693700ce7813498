//! The reminders of a subscription's date ahead: an annual renewal
//! (`MASTHEAD_RENEWAL_REMINDER_DAYS`, default 30 and 7 days before, as
//! automatic-renewal laws ask: the date, the price, how to cancel), a
//! trial's end (`MASTHEAD_TRIAL_REMINDER_DAYS`, default 3, as Stripe's own
//! `trial_will_end`), a comp's end (`MASTHEAD_COMP_REMINDER_DAYS`,
//! default 7) and a gift's end (`MASTHEAD_GIFT_REMINDER_DAYS`, default 7,
//! with the offer to continue as a subscriber, the remaining days kept).
//!
//! Each sweep finds the subscriptions whose date falls within the largest
//! threshold and sends, for each, only the nearest threshold not yet
//! passed ([`ReminderDays::due`]): a subscription first seen 5 days ahead
//! gets the 7-day reminder and never a late 30-day one. The key names the
//! subscription, the date and the threshold, so each goes out once, and a
//! moved date (a comp extended, a renewal after a plan change) is
//! reminded of again.

use crate::billing::notices::{self, Ahead};
use crate::db::subscriptions::SubscriptionRow;
use crate::db::{self, Database, DbConnection, due_dates, reminders_sent};
use crate::domain::ReminderDays;
use crate::error::ApiError;
use crate::mail::Letters;
use chrono::{Duration, NaiveDateTime, Utc};
use std::sync::Arc;

/// How long a reminder's mark is kept past its date (nothing looks that
/// far back; the margin covers clocks that disagree).
const MARK_RETENTION: Duration = Duration::days(1);

/// Which reminder a sweep sends, and how.
struct Reminder {
    /// The key's first part.
    kind: &'static str,
    /// The subscriptions whose date is within the window.
    find: fn(
        &mut DbConnection,
        NaiveDateTime,
        NaiveDateTime,
    ) -> diesel::QueryResult<Vec<SubscriptionRow>>,
    /// The date reminded of.
    date: fn(&SubscriptionRow) -> Option<NaiveDateTime>,
    /// Queues the email under the key; `true` when queued.
    queue: fn(
        &mut DbConnection,
        &Letters,
        &SubscriptionRow,
        &Ahead,
        NaiveDateTime,
    ) -> Result<bool, ApiError>,
}

/// Renewal reminders; returns how many were queued.
pub(crate) async fn renewals(db: &Database, letters: &Arc<Letters>) -> Result<usize, ApiError> {
    let days = letters.settings().renewal_reminder_days.clone();
    let reminder = Reminder {
        kind: "renewal",
        find: due_dates::renewing_yearly,
        date: |row| row.current_period_end,
        queue: notices::queue_renewal_reminder,
    };
    send(db, letters, days, reminder).await
}

/// Trial-ending notices; returns how many were queued.
pub(crate) async fn trials(db: &Database, letters: &Arc<Letters>) -> Result<usize, ApiError> {
    let days = letters.settings().trial_reminder_days.clone();
    let reminder = Reminder {
        kind: "trial_ending",
        find: due_dates::trials_ending,
        date: |row| row.current_period_end,
        queue: notices::queue_trial_ending,
    };
    send(db, letters, days, reminder).await
}

/// Comp-ending notices; returns how many were queued.
pub(crate) async fn comps(db: &Database, letters: &Arc<Letters>) -> Result<usize, ApiError> {
    let days = letters.settings().comp_reminder_days.clone();
    let reminder = Reminder {
        kind: "comp_ending",
        find: due_dates::comps_ending,
        date: |row| row.comped_until,
        queue: notices::queue_comp_ending,
    };
    send(db, letters, days, reminder).await
}

/// Gift-ending offers to continue as a subscriber; returns how many were
/// queued.
pub(crate) async fn gifts(db: &Database, letters: &Arc<Letters>) -> Result<usize, ApiError> {
    let days = letters.settings().gift_reminder_days.clone();
    let reminder = Reminder {
        kind: "gift_ending",
        find: due_dates::gifts_ending,
        date: |row| row.current_period_end,
        queue: crate::billing::gifts::queue_gift_ending,
    };
    send(db, letters, days, reminder).await
}

/// Queues `reminder` for every subscription due one under `days`, each in
/// its own write transaction (one reader's failure does not hold back the
/// rest, which the next period's sweep retries).
async fn send(
    db: &Database,
    letters: &Arc<Letters>,
    days: ReminderDays,
    reminder: Reminder,
) -> Result<usize, ApiError> {
    let letters = Arc::clone(letters);
    db.run(move |conn| {
        let now = Utc::now().naive_utc();
        reminders_sent::prune(conn, now - MARK_RETENTION)?;
        let due = (reminder.find)(conn, now, now + days.furthest())?;
        let mut queued = 0;
        for row in due {
            let Some(at) = (reminder.date)(&row) else {
                continue;
            };
            let Some(threshold) = days.due(now, at) else {
                continue;
            };
            let ahead = Ahead::new(reminder.kind, &row.id, at, threshold);
            let sent = db::write_transaction(conn, |conn| {
                (reminder.queue)(conn, &letters, &row, &ahead, now)
            });
            match sent {
                Ok(true) => queued += 1,
                Ok(false) => {}
                Err(error) => {
                    tracing::warn!(subscription = %row.id, kind = reminder.kind, %error, "a reminder could not be queued; the next sweep tries again");
                }
            }
        }
        Ok(queued)
    })
    .await
}
