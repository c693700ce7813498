//! A reader's own money, as they see it: every payment and refund of every
//! subscription of theirs, and the invoice details a provider reported
//! (tax, the invoice's page) for the payment history.

use super::DbConnection;
use super::schema::{payments, refunds};
use chrono::NaiveDateTime;
use diesel::prelude::*;

/// One payment of the reader, with what the provider said about its invoice.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = payments)]
pub struct ReaderPaymentRow {
    pub id: String,
    pub subscription_id: String,
    pub amount_cents: i64,
    pub currency: String,
    pub provider: String,
    pub provider_invoice_id: Option<String>,
    pub tax_cents: Option<i64>,
    pub invoice_url: Option<String>,
    pub paid_at: NaiveDateTime,
    pub refunded_cents: i64,
}

/// One refund of one of the reader's payments.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = refunds)]
pub struct ReaderRefundRow {
    pub id: String,
    pub payment_id: String,
    pub subscription_id: String,
    pub amount_cents: i64,
    pub currency: String,
    pub provider: String,
    pub created_at: NaiveDateTime,
}

/// The reader's payments, newest first.
pub fn payments_of(conn: &mut DbConnection, reader: &str) -> QueryResult<Vec<ReaderPaymentRow>> {
    payments::table
        .filter(payments::reader_id.eq(reader))
        .order((payments::paid_at.desc(), payments::id.desc()))
        .select(ReaderPaymentRow::as_select())
        .load(conn)
}

/// The refunds of the reader's payments, newest first, each with its
/// payment's amount and tax (the refund's share of the tax follows).
pub fn refunds_of(
    conn: &mut DbConnection,
    reader: &str,
) -> QueryResult<Vec<(ReaderRefundRow, i64, Option<i64>)>> {
    refunds::table
        .inner_join(payments::table)
        .filter(payments::reader_id.eq(reader))
        .order((refunds::created_at.desc(), refunds::id.desc()))
        .select((
            ReaderRefundRow::as_select(),
            payments::amount_cents,
            payments::tax_cents,
        ))
        .load(conn)
}

/// Records what the provider reported about `invoice` (its tax, its page)
/// on the payment that settled it; a detail not reported stays as it was.
pub fn record_invoice_details(
    conn: &mut DbConnection,
    provider: &str,
    invoice: &str,
    tax_cents: Option<i64>,
    invoice_url: Option<&str>,
) -> QueryResult<usize> {
    let target = payments::table
        .filter(payments::provider.eq(provider))
        .filter(payments::provider_invoice_id.eq(invoice));
    let mut updated = 0;
    if let Some(tax) = tax_cents {
        updated += diesel::update(target)
            .set(payments::tax_cents.eq(tax))
            .execute(conn)?;
    }
    if let Some(url) = invoice_url {
        updated += diesel::update(target)
            .set(payments::invoice_url.eq(url))
            .execute(conn)?;
    }
    Ok(updated)
}
