//! The `refunds` aggregate: money given back, whoever started it. Recording
//! a refund also adds it to its payment's `refunded_cents`, in the same
//! transaction, so refund totals and the payment always agree. The
//! provider's refund id is unique, so a refund reported twice counts once.

use super::DbConnection;
use super::schema::{payments, refunds};
use crate::domain::{PaymentId, SubscriptionId};
use chrono::NaiveDateTime;
use diesel::prelude::*;

/// A refund as stored.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = refunds)]
pub struct RefundRow {
    pub id: String,
    pub payment_id: String,
    pub subscription_id: String,
    pub amount_cents: i64,
    pub currency: String,
    pub provider: String,
    pub provider_refund_id: Option<String>,
    pub reason: Option<String>,
    pub actor: String,
    pub created_at: NaiveDateTime,
}

/// A refund to record.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = refunds)]
pub struct NewRefund<'a> {
    pub id: &'a str,
    pub payment_id: &'a str,
    pub subscription_id: &'a str,
    /// Positive, in the payment's currency.
    pub amount_cents: i64,
    pub currency: &'a str,
    pub provider: &'a str,
    /// `None` when the provider reported the money but not the refund's id
    /// (a charge's running total); [`adopt_provider_id`] names it later.
    pub provider_refund_id: Option<&'a str>,
    pub reason: Option<&'a str>,
    pub actor: &'a str,
    pub created_at: NaiveDateTime,
}

/// Records a refund and adds its amount to the payment's `refunded_cents`.
pub fn insert(conn: &mut DbConnection, refund: &NewRefund<'_>) -> QueryResult<()> {
    conn.transaction(|conn| {
        diesel::insert_into(refunds::table)
            .values(refund)
            .execute(conn)?;
        diesel::update(payments::table.find(refund.payment_id))
            .set(payments::refunded_cents.eq(payments::refunded_cents + refund.amount_cents))
            .execute(conn)
            .map(drop)
    })
}

/// The refund the provider knows as `provider_refund_id`, if recorded.
pub fn find_by_provider_id(
    conn: &mut DbConnection,
    provider_refund_id: &str,
) -> QueryResult<Option<RefundRow>> {
    refunds::table
        .filter(refunds::provider_refund_id.eq(provider_refund_id))
        .select(RefundRow::as_select())
        .first(conn)
        .optional()
}

/// Names a refund recorded without the provider's id (one of `amount_cents`
/// on `payment`); `false` when there is none to name.
pub fn adopt_provider_id(
    conn: &mut DbConnection,
    payment: &PaymentId,
    amount_cents: i64,
    provider_refund_id: &str,
) -> QueryResult<bool> {
    let unnamed: Option<String> = refunds::table
        .filter(refunds::payment_id.eq(payment.as_str()))
        .filter(refunds::amount_cents.eq(amount_cents))
        .filter(refunds::provider_refund_id.is_null())
        .select(refunds::id)
        .first(conn)
        .optional()?;
    let Some(id) = unnamed else {
        return Ok(false);
    };
    diesel::update(refunds::table.find(id))
        .set(refunds::provider_refund_id.eq(provider_refund_id))
        .execute(conn)?;
    Ok(true)
}

/// A subscription's refunds, oldest first.
pub fn for_subscription(
    conn: &mut DbConnection,
    subscription: &SubscriptionId,
) -> QueryResult<Vec<RefundRow>> {
    refunds::table
        .filter(refunds::subscription_id.eq(subscription.as_str()))
        .order((refunds::created_at.asc(), refunds::id.asc()))
        .select(RefundRow::as_select())
        .load(conn)
}

/// Undoes the refund recorded under `provider_refund_id` (the provider
/// reports it failed or was canceled: the money never left): deletes it
/// and takes its amount off its payment's `refunded_cents`, in one
/// transaction. The refund undone, or `None` when none was recorded.
pub fn reverse_by_provider_id(
    conn: &mut DbConnection,
    provider_refund_id: &str,
) -> QueryResult<Option<RefundRow>> {
    conn.transaction(|conn| {
        let Some(refund) = find_by_provider_id(conn, provider_refund_id)? else {
            return Ok(None);
        };
        diesel::delete(refunds::table.find(&refund.id)).execute(conn)?;
        diesel::update(payments::table.find(&refund.payment_id))
            .set(payments::refunded_cents.eq(payments::refunded_cents - refund.amount_cents))
            .execute(conn)?;
        Ok(Some(refund))
    })
}
