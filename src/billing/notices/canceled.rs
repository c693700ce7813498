//! The notice that a subscription will end (`canceling`: access to the
//! period's end, which the reader may still resume) or ended now
//! (`expired` by staff).

use super::{queue, subscriber};
use crate::db::DbConnection;
use crate::db::subscriptions::SubscriptionRow;
use crate::domain::SubscriptionState;
use crate::error::ApiError;
use crate::mail::Letters;
use crate::mail::messages::{self, Canceled};
use chrono::NaiveDateTime;

/// Queues the cancellation notice of `row` as it is now (just moved to
/// `canceling` or `expired`); `now` is when an immediate end took effect.
pub(crate) fn queue_canceled(
    conn: &mut DbConnection,
    letters: &Letters,
    row: &SubscriptionRow,
    now: NaiveDateTime,
) -> Result<(), ApiError> {
    let Some(subscriber) = subscriber(conn, row)? else {
        return Ok(());
    };
    let ends_later = row.state() == Some(SubscriptionState::Canceling);
    let access_until = if ends_later {
        row.current_period_end.unwrap_or(now)
    } else {
        row.ended_at.unwrap_or(now)
    };
    let email = messages::subscription_canceled(
        letters,
        &Canceled {
            to: subscriber.to(),
            plan: &subscriber.plan,
            access_until,
            can_resume: ends_later && access_until > now,
        },
    );
    queue(conn, &email)
}
