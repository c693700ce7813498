//! The `provider_follow_ups` aggregate: calls to the payment provider a
//! webhook event made necessary, queued in the event's own transaction and
//! run after the webhook is answered. A follow-up is claimed by pushing its
//! next attempt past a lease (so two runners do not call at once), then
//! marked done, or given a later attempt with the error, or failed for
//! staff after the last attempt.

use super::DbConnection;
use super::schema::provider_follow_ups;
use crate::domain::{FollowUpKind, FollowUpStatus};
use chrono::NaiveDateTime;
use diesel::prelude::*;

/// A follow-up as stored.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = provider_follow_ups)]
pub struct FollowUpRow {
    pub id: String,
    pub provider: String,
    pub kind: String,
    pub target: String,
    pub subscription_id: Option<String>,
    pub reason: String,
    pub status: FollowUpStatus,
    pub attempts: i32,
    pub next_attempt_at: NaiveDateTime,
    pub last_error: Option<String>,
    pub created_at: NaiveDateTime,
    pub finished_at: Option<NaiveDateTime>,
}

/// A follow-up to queue.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = provider_follow_ups)]
pub struct NewFollowUp<'a> {
    pub id: &'a str,
    pub provider: &'a str,
    pub kind: &'a str,
    pub target: &'a str,
    pub subscription_id: Option<&'a str>,
    pub reason: &'a str,
    pub status: FollowUpStatus,
    pub next_attempt_at: NaiveDateTime,
    pub created_at: NaiveDateTime,
}

/// Queues a follow-up unless one with its id is queued already (`false`).
pub fn queue(conn: &mut DbConnection, follow_up: &NewFollowUp<'_>) -> QueryResult<bool> {
    if find(conn, follow_up.id)?.is_some() {
        return Ok(false);
    }
    diesel::insert_into(provider_follow_ups::table)
        .values(follow_up)
        .execute(conn)
        .map(|inserted| inserted == 1)
}

/// One follow-up by id.
pub fn find(conn: &mut DbConnection, id: &str) -> QueryResult<Option<FollowUpRow>> {
    provider_follow_ups::table
        .find(id)
        .select(FollowUpRow::as_select())
        .first(conn)
        .optional()
}

/// The pending follow-ups due at `now`, oldest first, at most `limit`.
pub fn due(
    conn: &mut DbConnection,
    now: NaiveDateTime,
    limit: i64,
) -> QueryResult<Vec<FollowUpRow>> {
    provider_follow_ups::table
        .filter(provider_follow_ups::status.eq(FollowUpStatus::Pending))
        .filter(provider_follow_ups::next_attempt_at.le(now))
        .order((
            provider_follow_ups::next_attempt_at.asc(),
            provider_follow_ups::id.asc(),
        ))
        .limit(limit)
        .select(FollowUpRow::as_select())
        .load(conn)
}

/// Claims follow-up `id` for one attempt if it is still pending and due
/// at `now` (the row as seen, `next_attempt_at` included): its next attempt
/// moves to `lease_until` and its attempts count up. `false` when another
/// runner claimed it first.
pub fn claim(
    conn: &mut DbConnection,
    seen: &FollowUpRow,
    lease_until: NaiveDateTime,
) -> QueryResult<bool> {
    let updated = diesel::update(
        provider_follow_ups::table
            .filter(provider_follow_ups::id.eq(&seen.id))
            .filter(provider_follow_ups::status.eq(FollowUpStatus::Pending))
            .filter(provider_follow_ups::next_attempt_at.eq(seen.next_attempt_at)),
    )
    .set((
        provider_follow_ups::next_attempt_at.eq(lease_until),
        provider_follow_ups::attempts.eq(provider_follow_ups::attempts + 1),
    ))
    .execute(conn)?;
    Ok(updated == 1)
}

/// Marks follow-up `id` done.
pub fn done(conn: &mut DbConnection, id: &str, now: NaiveDateTime) -> QueryResult<()> {
    diesel::update(provider_follow_ups::table.find(id))
        .set((
            provider_follow_ups::status.eq(FollowUpStatus::Done),
            provider_follow_ups::last_error.eq(None::<String>),
            provider_follow_ups::finished_at.eq(Some(now)),
        ))
        .execute(conn)
        .map(drop)
}

/// Records a failed attempt: tried again at `retry_at`, or, with `None`,
/// given up on (`failed`, for staff).
pub fn attempt_failed(
    conn: &mut DbConnection,
    id: &str,
    error: &str,
    retry_at: Option<NaiveDateTime>,
    now: NaiveDateTime,
) -> QueryResult<()> {
    let target = provider_follow_ups::table.find(id);
    match retry_at {
        Some(at) => diesel::update(target)
            .set((
                provider_follow_ups::next_attempt_at.eq(at),
                provider_follow_ups::last_error.eq(Some(error)),
            ))
            .execute(conn),
        None => diesel::update(target)
            .set((
                provider_follow_ups::status.eq(FollowUpStatus::Failed),
                provider_follow_ups::last_error.eq(Some(error)),
                provider_follow_ups::finished_at.eq(Some(now)),
            ))
            .execute(conn),
    }
    .map(drop)
}

/// A subscription's follow-ups, oldest first (the staff reader view).
pub fn for_subscription(
    conn: &mut DbConnection,
    subscription: &str,
) -> QueryResult<Vec<FollowUpRow>> {
    provider_follow_ups::table
        .filter(provider_follow_ups::subscription_id.eq(subscription))
        .order((
            provider_follow_ups::created_at.asc(),
            provider_follow_ups::id.asc(),
        ))
        .select(FollowUpRow::as_select())
        .load(conn)
}

/// Whether a payment-learning follow-up is still pending for a
/// subscription billed to the provider's `customer`: a refund or dispute
/// naming a payment intent we do not know yet may be of that payment.
pub fn learning_pending_for_customer(conn: &mut DbConnection, customer: &str) -> QueryResult<bool> {
    use super::schema::subscriptions;
    let pending: i64 = provider_follow_ups::table
        .inner_join(subscriptions::table)
        .filter(provider_follow_ups::kind.eq(FollowUpKind::LearnInvoicePayment.as_str()))
        .filter(provider_follow_ups::status.eq(FollowUpStatus::Pending))
        .filter(subscriptions::provider_customer_id.eq(customer))
        .count()
        .get_result(conn)?;
    Ok(pending > 0)
}

/// Whether a follow-up of `kind` was queued for `subscription` (any status).
pub fn queued_for(conn: &mut DbConnection, subscription: &str, kind: &str) -> QueryResult<bool> {
    let count: i64 = provider_follow_ups::table
        .filter(provider_follow_ups::subscription_id.eq(subscription))
        .filter(provider_follow_ups::kind.eq(kind))
        .count()
        .get_result(conn)?;
    Ok(count > 0)
}
