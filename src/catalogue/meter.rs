//! The metered paywall's two writes: counting a full read of an article
//! the meter opened, and carrying an anonymous visitor's count into the
//! account they sign up for or log in to. The rules are the domain's
//! [`Meter`]; the row lock and the reads are `db::meters`.

use crate::cache::AppCache;
use crate::db::{self, Database};
use crate::domain::{Meter, MeterPolicy, MeterVerdict, ReaderId, reader_meter};
use crate::error::ApiError;
use chrono::{DateTime, Utc};
use std::sync::Arc;

/// A meter to count on: its id, allowance and window.
#[derive(Debug, Clone)]
pub struct MeterSlot {
    /// `reader:<id>` or `visitor:<id>`.
    pub id: String,
    /// Free articles per window.
    pub limit: u32,
    /// The rolling window.
    pub window: chrono::Duration,
}

/// Counts a full read of `article_id` on `slot`, deciding again under the
/// meter's lock (another tab or instance may have used the last free
/// article since the page's gate read its cached count): the verdict that
/// held under the lock and the meter after it.
pub async fn count_metered_read(
    db: &Database,
    cache: &AppCache,
    slot: &MeterSlot,
    article_id: &str,
    now: DateTime<Utc>,
) -> Result<(MeterVerdict, Meter), ApiError> {
    let (slot_id, limit, window, article) = (
        slot.id.clone(),
        slot.limit,
        slot.window,
        article_id.to_owned(),
    );
    let (verdict, meter) = db
        .run(move |conn| {
            Ok(db::write_transaction(conn, |conn| {
                db::meters::count_read(conn, &slot_id, limit, window, &article, now)
            })?)
        })
        .await?;
    cache.meter_changed(&slot.id, Arc::clone(&meter.reads));
    Ok((verdict, meter))
}

/// Carries the free articles an anonymous visitor read (the meter
/// `visitor`) into `reader`'s account meter, when the registered meter is
/// on: signing up or logging in must not hand out a second allowance.
pub async fn carry_meter_into_account(
    db: &Database,
    cache: &AppCache,
    policy: MeterPolicy,
    visitor: Option<&str>,
    reader: &ReaderId,
    now: DateTime<Utc>,
) -> Result<(), ApiError> {
    let (Some(visitor), Some(_)) = (visitor, policy.limit_for(true)) else {
        return Ok(());
    };
    let (from, into) = (visitor.to_owned(), reader_meter(reader));
    let since = now - policy.window();
    let into_key = into.clone();
    let reads = db
        .run(move |conn| {
            Ok(db::write_transaction(conn, |conn| {
                db::meters::merge(conn, &from, &into, since, now)?;
                db::meters::reads(conn, &into, since)
            })?)
        })
        .await?;
    cache.meter_changed(&into_key, Arc::new(reads));
    Ok(())
}
