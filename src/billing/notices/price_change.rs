//! The notice of a scheduled price to a renewing subscriber: marked in
//! `price_change_moves` and queued as the one job of its key in the same
//! transaction, so a repeated sweep or a second instance tells nobody
//! twice. Legally required before an automatic renewal costs more, so
//! always sent (no unsubscribe).

use super::{queue_once_keyed, subscriber};
use crate::db::DbConnection;
use crate::db::price_changes::{self, PriceChangeRow};
use crate::db::subscriptions::SubscriptionRow;
use crate::error::ApiError;
use crate::mail::Letters;
use crate::mail::messages::{self, PriceChange};
use chrono::NaiveDateTime;

/// Tells the subscriber of `row` that `change` applies from their renewal
/// `applies_at`, the price before it being `old_cents`; `true` when this
/// call recorded it (a deleted account is recorded, and mailed nothing).
pub(crate) fn queue_price_change(
    conn: &mut DbConnection,
    letters: &Letters,
    row: &SubscriptionRow,
    change: &PriceChangeRow,
    old_cents: i64,
    applies_at: NaiveDateTime,
    now: NaiveDateTime,
) -> Result<bool, ApiError> {
    if !price_changes::mark_told(conn, &change.id, &row.id, applies_at, now)? {
        return Ok(false);
    }
    let Some(subscriber) = subscriber(conn, row)? else {
        return Ok(true);
    };
    let email = messages::price_change(
        letters,
        &PriceChange {
            to: subscriber.to(),
            plan: &subscriber.plan,
            interval: &change.billing_interval,
            old_cents,
            new_cents: change.amount_cents,
            currency: &change.currency,
            applies_at,
        },
    );
    queue_once_keyed(
        conn,
        &email,
        &format!("price_change:{}:{}", change.id, row.id),
    )?;
    Ok(true)
}
