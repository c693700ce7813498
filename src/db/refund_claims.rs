//! Refund claims (the `refund_actions` table): the claim that makes
//! refunding a subscription happen once. The first caller inserts the claim
//! (`in_progress`) and talks to the payment provider; concurrent callers
//! find it and answer 409 (in flight) or replay the result (done). A
//! failed attempt, or one that died and went stale, can be claimed again;
//! the provider calls it repeats carry the same idempotency keys.

use super::DbConnection;
use super::schema::refund_actions;
use crate::domain::RefundClaimStatus;
use chrono::NaiveDateTime;
use diesel::prelude::*;

/// A claim as stored.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = refund_actions)]
pub struct RefundClaimRow {
    pub subscription_id: String,
    pub status: RefundClaimStatus,
    pub idempotency_key: Option<String>,
    pub actor: String,
    pub reason: String,
    pub failure: Option<String>,
    pub started_at: NaiveDateTime,
    pub finished_at: Option<NaiveDateTime>,
}

/// A claim to make.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = refund_actions)]
pub struct NewRefundClaim<'a> {
    pub subscription_id: &'a str,
    pub status: RefundClaimStatus,
    pub idempotency_key: Option<&'a str>,
    pub actor: &'a str,
    pub reason: &'a str,
    pub failure: Option<&'a str>,
    pub started_at: NaiveDateTime,
    pub finished_at: Option<NaiveDateTime>,
}

/// The claim on a subscription, if any.
pub fn find(conn: &mut DbConnection, subscription: &str) -> QueryResult<Option<RefundClaimRow>> {
    refund_actions::table
        .find(subscription)
        .select(RefundClaimRow::as_select())
        .first(conn)
        .optional()
}

/// The claim made with an idempotency key, if any.
pub fn find_by_key(conn: &mut DbConnection, key: &str) -> QueryResult<Option<RefundClaimRow>> {
    refund_actions::table
        .filter(refund_actions::idempotency_key.eq(key))
        .select(RefundClaimRow::as_select())
        .first(conn)
        .optional()
}

/// Makes the claim: inserts it, or replaces a failed or stale one (the
/// caller decided it may). Call inside a write transaction that read the
/// claim first (on PostgreSQL, after locking the reader's row).
pub fn claim(
    conn: &mut DbConnection,
    claim: &NewRefundClaim<'_>,
    replace: bool,
) -> QueryResult<()> {
    if replace {
        diesel::update(refund_actions::table.find(claim.subscription_id))
            .set((
                refund_actions::status.eq(claim.status),
                refund_actions::idempotency_key.eq(claim.idempotency_key),
                refund_actions::actor.eq(claim.actor),
                refund_actions::reason.eq(claim.reason),
                refund_actions::failure.eq(claim.failure),
                refund_actions::started_at.eq(claim.started_at),
                refund_actions::finished_at.eq(claim.finished_at),
            ))
            .execute(conn)
            .map(drop)
    } else {
        diesel::insert_into(refund_actions::table)
            .values(claim)
            .execute(conn)
            .map(drop)
    }
}

/// Marks the claim finished: `succeeded`, or `failed` with why.
pub fn finish(
    conn: &mut DbConnection,
    subscription: &str,
    failure: Option<&str>,
    now: NaiveDateTime,
) -> QueryResult<()> {
    let status = if failure.is_some() {
        RefundClaimStatus::Failed
    } else {
        RefundClaimStatus::Succeeded
    };
    diesel::update(refund_actions::table.find(subscription))
        .set((
            refund_actions::status.eq(status),
            refund_actions::failure.eq(failure),
            refund_actions::finished_at.eq(now),
        ))
        .execute(conn)
        .map(drop)
}

/// Claims still `in_progress` that were taken before `before`: their
/// holder died (a staff request's process killed between the provider's
/// answer and our record), for the sweep to finish.
pub fn stale(conn: &mut DbConnection, before: NaiveDateTime) -> QueryResult<Vec<RefundClaimRow>> {
    refund_actions::table
        .filter(refund_actions::status.eq(RefundClaimStatus::InProgress))
        .filter(refund_actions::started_at.lt(before))
        .order(refund_actions::started_at.asc())
        .select(RefundClaimRow::as_select())
        .load(conn)
}

/// Takes over the stale claim on `subscription` taken at `taken_at`:
/// restamps it `now` if nobody did meanwhile; `false` when another taker
/// (a staff request, another sweep) got it first.
pub fn take_over(
    conn: &mut DbConnection,
    subscription: &str,
    taken_at: NaiveDateTime,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    let moved = diesel::update(
        refund_actions::table
            .find(subscription)
            .filter(refund_actions::status.eq(RefundClaimStatus::InProgress))
            .filter(refund_actions::started_at.eq(taken_at)),
    )
    .set(refund_actions::started_at.eq(now))
    .execute(conn)?;
    Ok(moved == 1)
}
