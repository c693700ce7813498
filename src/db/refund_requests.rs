//! The `refund_requests` aggregate: readers asking for their money back.
//! A partial unique index allows one pending request per subscription, so
//! a double click creates one request, not two.

use super::DbConnection;
use super::schema::refund_requests;
use crate::domain::{Paging, RefundRequestStatus};
use chrono::NaiveDateTime;
use diesel::prelude::*;

/// A request as stored.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = refund_requests)]
pub struct RefundRequestRow {
    pub id: String,
    pub subscription_id: String,
    pub reader_id: String,
    pub reason: String,
    pub status: RefundRequestStatus,
    pub decided_by: Option<String>,
    pub decision_note: Option<String>,
    pub decided_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
}

/// A new pending request.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = refund_requests)]
pub struct NewRefundRequest<'a> {
    pub id: &'a str,
    pub subscription_id: &'a str,
    pub reader_id: &'a str,
    pub reason: &'a str,
    pub status: RefundRequestStatus,
    pub created_at: NaiveDateTime,
}

/// Inserts a pending request; a second pending one for the same
/// subscription is a unique violation.
pub fn insert(conn: &mut DbConnection, request: &NewRefundRequest<'_>) -> QueryResult<()> {
    diesel::insert_into(refund_requests::table)
        .values(request)
        .execute(conn)
        .map(drop)
}

/// One request by id.
pub fn find(conn: &mut DbConnection, id: &str) -> QueryResult<Option<RefundRequestRow>> {
    refund_requests::table
        .find(id)
        .select(RefundRequestRow::as_select())
        .first(conn)
        .optional()
}

/// The pending request of a subscription, if any.
pub fn pending_for_subscription(
    conn: &mut DbConnection,
    subscription: &str,
) -> QueryResult<Option<RefundRequestRow>> {
    refund_requests::table
        .filter(refund_requests::subscription_id.eq(subscription))
        .filter(refund_requests::status.eq(RefundRequestStatus::Pending))
        .select(RefundRequestRow::as_select())
        .first(conn)
        .optional()
}

/// Decides a pending request (`approved` or `denied`); returns whether it
/// was still pending, so two staff deciding at once cannot both win.
pub fn decide(
    conn: &mut DbConnection,
    id: &str,
    status: RefundRequestStatus,
    decided_by: &str,
    note: Option<&str>,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    let decided = diesel::update(
        refund_requests::table
            .filter(refund_requests::id.eq(id))
            .filter(refund_requests::status.eq(RefundRequestStatus::Pending)),
    )
    .set((
        refund_requests::status.eq(status),
        refund_requests::decided_by.eq(decided_by),
        refund_requests::decision_note.eq(note),
        refund_requests::decided_at.eq(now),
    ))
    .execute(conn)?;
    Ok(decided == 1)
}

/// A page of requests, oldest first (the queue order), optionally in one
/// status; and how many there are in all.
pub fn list(
    conn: &mut DbConnection,
    status: Option<RefundRequestStatus>,
    paging: Paging,
) -> QueryResult<(Vec<RefundRequestRow>, i64)> {
    let mut page = refund_requests::table
        .select(RefundRequestRow::as_select())
        .into_boxed();
    let mut count = refund_requests::table.count().into_boxed();
    if let Some(status) = status {
        page = page.filter(refund_requests::status.eq(status));
        count = count.filter(refund_requests::status.eq(status));
    }
    let items = page
        .order((refund_requests::created_at.asc(), refund_requests::id.asc()))
        .limit(paging.per_page())
        .offset(paging.offset())
        .load(conn)?;
    Ok((items, count.get_result(conn)?))
}

/// Every request of a reader, newest first.
pub fn for_reader(conn: &mut DbConnection, reader: &str) -> QueryResult<Vec<RefundRequestRow>> {
    refund_requests::table
        .filter(refund_requests::reader_id.eq(reader))
        .order((
            refund_requests::created_at.desc(),
            refund_requests::id.desc(),
        ))
        .select(RefundRequestRow::as_select())
        .load(conn)
}

/// Marks request `id` approved whatever it was decided as (a deny that
/// raced a refund which went through: the money moved, so the request is
/// approved).
pub fn overrule(
    conn: &mut DbConnection,
    id: &str,
    decided_by: &str,
    note: Option<&str>,
    now: NaiveDateTime,
) -> QueryResult<()> {
    diesel::update(refund_requests::table.filter(refund_requests::id.eq(id)))
        .set((
            refund_requests::status.eq(RefundRequestStatus::Approved),
            refund_requests::decided_by.eq(decided_by),
            refund_requests::decision_note.eq(note),
            refund_requests::decided_at.eq(now),
        ))
        .execute(conn)
        .map(drop)
}

/// Closes (approves) every pending request of `subscription`: it was
/// refunded, by staff or at the payment provider. Returns how many.
pub fn close_for_subscription(
    conn: &mut DbConnection,
    subscription: &str,
    decided_by: &str,
    note: &str,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(
        refund_requests::table
            .filter(refund_requests::subscription_id.eq(subscription))
            .filter(refund_requests::status.eq(RefundRequestStatus::Pending)),
    )
    .set((
        refund_requests::status.eq(RefundRequestStatus::Approved),
        refund_requests::decided_by.eq(decided_by),
        refund_requests::decision_note.eq(Some(note)),
        refund_requests::decided_at.eq(now),
    ))
    .execute(conn)
}
