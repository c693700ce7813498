//! One reader with everything support may need: subscriptions with their
//! events, payments, refunds and provider follow-ups, refund requests and
//! live sessions.

use super::reader_not_found;
use crate::accounts::Accounts;
use crate::db;
use crate::db::payments::PaymentRow;
use crate::db::provider_follow_ups::FollowUpRow;
use crate::db::readers::ReaderRow;
use crate::db::refund_requests::RefundRequestRow;
use crate::db::refunds::RefundRow;
use crate::db::sessions::SessionRow;
use crate::db::subscriptions::{EventRow, SubscriptionRow};
use crate::domain::ReaderId;
use crate::error::ApiError;
use diesel::OptionalExtension;

/// A subscription with what happened to it.
pub struct SubscriptionRecord {
    /// The subscription.
    pub row: SubscriptionRow,
    /// Its history.
    pub events: Vec<EventRow>,
    /// Its payments.
    pub payments: Vec<PaymentRow>,
    /// Its refunds.
    pub refunds: Vec<RefundRow>,
    /// Provider calls still to be retried or resolved.
    pub follow_ups: Vec<FollowUpRow>,
}

/// A reader as support sees it, read in one connection.
pub struct ReaderRecord {
    /// The account.
    pub reader: ReaderRow,
    /// Its subscriptions, newest first.
    pub subscriptions: Vec<SubscriptionRecord>,
    /// Its refund requests.
    pub refund_requests: Vec<RefundRequestRow>,
    /// Its live sessions.
    pub sessions: Vec<SessionRow>,
}

/// Reads the reader `id` and its records; 404 `reader_not_found`.
pub async fn reader_record(
    accounts: &Accounts<'_>,
    id: ReaderId,
) -> Result<ReaderRecord, ApiError> {
    accounts
        .db
        .run(move |conn| {
            let reader = db::readers::find(conn, &id)
                .optional()?
                .ok_or_else(reader_not_found)?;
            let mut subscriptions = Vec::new();
            for row in db::subscriptions::for_reader(conn, &id)? {
                let sid = row.subscription_id();
                subscriptions.push(SubscriptionRecord {
                    events: db::subscriptions::events(conn, &sid)?,
                    payments: db::payments::for_subscription(conn, &sid)?,
                    refunds: db::refunds::for_subscription(conn, &sid)?,
                    follow_ups: db::provider_follow_ups::for_subscription(conn, sid.as_str())?,
                    row,
                });
            }
            let refund_requests = db::refund_requests::for_reader(conn, id.as_str())?;
            let now = chrono::Utc::now().naive_utc();
            let sessions = db::sessions::live_for_reader(conn, &id, now)?;
            Ok::<_, ApiError>(ReaderRecord {
                reader,
                subscriptions,
                refund_requests,
                sessions,
            })
        })
        .await
}
