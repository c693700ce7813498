//! The `payments` aggregate: money received, one row per successful charge.
//! The provider's payment id is unique, so a charge reported twice (a
//! retried confirmation, a webhook delivered again) is recorded once; the
//! first `paid_at` of a subscription starts its money-back guarantee.

use super::DbConnection;
use super::schema::payments;
use crate::domain::{PaymentId, SubscriptionId};
use chrono::NaiveDateTime;
use diesel::prelude::*;

/// A payment as stored.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = payments)]
pub struct PaymentRow {
    pub id: String,
    pub subscription_id: String,
    pub reader_id: String,
    pub amount_cents: i64,
    pub currency: String,
    pub provider: String,
    pub provider_payment_id: String,
    pub provider_invoice_id: Option<String>,
    pub paid_at: NaiveDateTime,
    pub refunded_cents: i64,
    pub created_at: NaiveDateTime,
    /// The tax included in `amount_cents`, when the provider reported it.
    pub tax_cents: Option<i64>,
}

impl PaymentRow {
    /// The typed id.
    pub fn payment_id(&self) -> PaymentId {
        PaymentId::from_db(self.id.clone())
    }
}

/// A payment to record; nothing refunded yet.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = payments)]
pub struct NewPayment<'a> {
    pub id: &'a str,
    pub subscription_id: &'a str,
    pub reader_id: &'a str,
    pub amount_cents: i64,
    pub currency: &'a str,
    pub provider: &'a str,
    pub provider_payment_id: &'a str,
    pub provider_invoice_id: Option<&'a str>,
    pub paid_at: NaiveDateTime,
    pub created_at: NaiveDateTime,
}

/// Records a payment; a provider payment id seen before is a unique
/// violation, which the caller treats as "already recorded".
pub fn insert(conn: &mut DbConnection, payment: &NewPayment<'_>) -> QueryResult<()> {
    diesel::insert_into(payments::table)
        .values(payment)
        .execute(conn)
        .map(drop)
}

/// A subscription's payments, oldest first.
pub fn for_subscription(
    conn: &mut DbConnection,
    subscription: &SubscriptionId,
) -> QueryResult<Vec<PaymentRow>> {
    payments::table
        .filter(payments::subscription_id.eq(subscription.as_str()))
        .order((payments::paid_at.asc(), payments::id.asc()))
        .select(PaymentRow::as_select())
        .load(conn)
}
