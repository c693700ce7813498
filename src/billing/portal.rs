//! The billing portal: where a reader manages payment methods and invoices
//! at the provider. It is about the reader's current subscription, so a
//! reader who never subscribed has nothing to manage.

use super::provider::Provider;
use crate::db::readers::ReaderRow;
use crate::db::subscriptions::{self, SubscriptionRow};
use crate::db::{Database, DbConnection};
use crate::domain::ReaderId;
use crate::error::ApiError;
use chrono::{DateTime, Utc};

/// The reader's most relevant subscription: one granting access at `now`,
/// else the newest; `None` for a reader who never subscribed.
pub fn current_subscription(
    conn: &mut DbConnection,
    reader: &ReaderId,
    now: DateTime<Utc>,
) -> Result<Option<SubscriptionRow>, ApiError> {
    let rows = subscriptions::for_reader(conn, reader)?;
    let granting = rows.iter().position(|row| {
        row.snapshot(Vec::new())
            .is_some_and(|snapshot| snapshot.grants_access(now))
    });
    Ok(match granting {
        Some(index) => rows.into_iter().nth(index),
        None => rows.into_iter().next(),
    })
}

/// The provider's portal URL for `reader`; 409 `no_subscription` when
/// there is no subscription to manage.
pub async fn portal_url(
    db: &Database,
    provider: &Provider,
    reader: &ReaderRow,
) -> Result<String, ApiError> {
    let id = reader.reader_id();
    let subscription = db
        .run(move |conn| current_subscription(conn, &id, Utc::now()))
        .await?
        .ok_or_else(|| {
            ApiError::conflict(
                "no_subscription",
                "there is no subscription to manage yet; start a checkout first",
            )
        })?;
    provider.portal_url(db, reader, &subscription).await
}
