//! Finding and correcting payments by the provider's names for them. A
//! provider reports one payment under several ids (Stripe: the invoice, its
//! payment intent, its charge) and not every report carries every id, so
//! a payment first recorded under its invoice id takes the payment
//! intent's id once a later report names it.

use super::DbConnection;
use super::payments::PaymentRow;
use super::schema::{payments, subscriptions};
use chrono::NaiveDateTime;
use diesel::prelude::*;

/// The payment that settled `invoice` at `provider`, if recorded.
pub fn find_by_invoice(
    conn: &mut DbConnection,
    provider: &str,
    invoice: &str,
) -> QueryResult<Option<PaymentRow>> {
    payments::table
        .filter(payments::provider.eq(provider))
        .filter(payments::provider_invoice_id.eq(invoice))
        .select(PaymentRow::as_select())
        .first(conn)
        .optional()
}

/// The payment recorded under any of `ids` (payment intent, charge) at
/// `provider`, if any.
pub fn find_by_payment_ids(
    conn: &mut DbConnection,
    provider: &str,
    ids: &[&str],
) -> QueryResult<Option<PaymentRow>> {
    if ids.is_empty() {
        return Ok(None);
    }
    payments::table
        .filter(payments::provider.eq(provider))
        .filter(payments::provider_payment_id.eq_any(ids))
        .select(PaymentRow::as_select())
        .first(conn)
        .optional()
}

/// The newest payment of the subscription billed to the provider's
/// `customer` (the last resort for a report that names only the customer).
pub fn newest_for_customer(
    conn: &mut DbConnection,
    provider: &str,
    customer: &str,
) -> QueryResult<Option<PaymentRow>> {
    payments::table
        .inner_join(subscriptions::table)
        .filter(payments::provider.eq(provider))
        .filter(subscriptions::provider_customer_id.eq(customer))
        .order((payments::paid_at.desc(), payments::id.desc()))
        .select(PaymentRow::as_select())
        .first(conn)
        .optional()
}

/// What a later, fuller report says about a recorded payment.
#[derive(Debug, Clone, AsChangeset)]
#[diesel(table_name = payments)]
pub struct PaymentCorrection<'a> {
    pub provider_payment_id: &'a str,
    pub amount_cents: i64,
    pub currency: &'a str,
    pub paid_at: NaiveDateTime,
}

/// Corrects payment `id` if it is still recorded under its invoice id and
/// nothing was refunded from it yet; `false` when it was not.
pub fn correct_from_invoice(
    conn: &mut DbConnection,
    id: &str,
    correction: &PaymentCorrection<'_>,
) -> QueryResult<bool> {
    let updated = diesel::update(
        payments::table
            .filter(payments::id.eq(id))
            .filter(payments::provider_invoice_id.eq(payments::provider_payment_id.nullable()))
            .filter(payments::refunded_cents.eq(0)),
    )
    .set(correction)
    .execute(conn)?;
    Ok(updated == 1)
}

/// One payment by our id (`NotFound` when absent).
pub fn find(conn: &mut DbConnection, id: &str) -> QueryResult<PaymentRow> {
    payments::table
        .find(id)
        .select(PaymentRow::as_select())
        .first(conn)
}
