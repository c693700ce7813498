//! Finding and correcting payments by the provider's names for them. A
//! provider reports one payment under several ids (Stripe: the invoice, its
//! payment intent, its charge) and not every report carries every id, so
//! a payment first recorded under its invoice id takes the payment
//! intent's id once a later report names it.

use super::DbConnection;
use super::payments::PaymentRow;
use super::schema::payments;
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
/// `provider`, if any: by the id it is recorded under, or by its charge.
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
        .filter(
            payments::provider_payment_id
                .eq_any(ids)
                .or(payments::provider_charge_id.eq_any(ids)),
        )
        .select(PaymentRow::as_select())
        .first(conn)
        .optional()
}

/// The charge recorded for payment `id`, if known.
pub fn charge_of(conn: &mut DbConnection, id: &str) -> QueryResult<Option<String>> {
    payments::table
        .find(id)
        .select(payments::provider_charge_id)
        .first(conn)
}

/// Whether any of the subscription's payments paid on or after `since`
/// (its current period) is not refunded in full.
pub fn unrefunded_since(
    conn: &mut DbConnection,
    subscription: &str,
    since: Option<NaiveDateTime>,
) -> QueryResult<bool> {
    let mut query = payments::table
        .filter(payments::subscription_id.eq(subscription))
        .filter(payments::refunded_cents.lt(payments::amount_cents))
        .into_boxed();
    if let Some(since) = since {
        query = query.filter(payments::paid_at.ge(since));
    }
    let count: i64 = query.count().get_result(conn)?;
    Ok(count > 0)
}

/// Records what paid payment `id`: its payment intent (replacing the
/// invoice id it was recorded under until then; a payment already known
/// by its intent or charge keeps that) and its charge (once). `true` when
/// anything changed.
pub fn learn_ids(
    conn: &mut DbConnection,
    id: &str,
    payment_intent: Option<&str>,
    charge: Option<&str>,
) -> QueryResult<bool> {
    let mut changed = 0;
    if let Some(intent) = payment_intent.or(charge) {
        changed +=
            diesel::update(payments::table.filter(payments::id.eq(id)).filter(
                payments::provider_invoice_id.eq(payments::provider_payment_id.nullable()),
            ))
            .set(payments::provider_payment_id.eq(intent))
            .execute(conn)?;
    }
    if let Some(charge) = charge {
        changed += diesel::update(
            payments::table
                .filter(payments::id.eq(id))
                .filter(payments::provider_charge_id.is_null()),
        )
        .set(payments::provider_charge_id.eq(charge))
        .execute(conn)?;
    }
    Ok(changed > 0)
}

/// Whether payment `id` is still known only by its invoice (its payment
/// intent not learnt yet).
pub fn keyed_by_invoice(payment: &PaymentRow) -> bool {
    payment.provider_invoice_id.as_deref() == Some(payment.provider_payment_id.as_str())
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
