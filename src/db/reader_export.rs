//! What the reader's data export (GDPR art. 15, the right of access) reads
//! beyond the aggregates' own reader queries: every session (ended ones
//! too), every checkout and the reader's customers at payment providers.

use super::DbConnection;
use super::billing_customers::BillingCustomerRow;
use super::checkouts::CheckoutRow;
use super::schema::{billing_customers, checkouts, sessions};
use chrono::NaiveDateTime;
use diesel::prelude::*;

/// A session with how it ended.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = sessions)]
pub struct ExportedSessionRow {
    pub id: String,
    pub user_agent: Option<String>,
    pub ip: Option<String>,
    pub created_at: NaiveDateTime,
    pub last_used_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
    pub revoked_at: Option<NaiveDateTime>,
    pub revoked_reason: Option<String>,
}

/// Every session of the reader, newest first.
pub fn sessions_of(conn: &mut DbConnection, reader: &str) -> QueryResult<Vec<ExportedSessionRow>> {
    sessions::table
        .filter(sessions::reader_id.eq(reader))
        .order((sessions::created_at.desc(), sessions::id.desc()))
        .select(ExportedSessionRow::as_select())
        .load(conn)
}

/// Every checkout the reader opened, newest first.
pub fn checkouts_of(conn: &mut DbConnection, reader: &str) -> QueryResult<Vec<CheckoutRow>> {
    checkouts::table
        .filter(checkouts::reader_id.eq(reader))
        .order((checkouts::created_at.desc(), checkouts::id.desc()))
        .select(CheckoutRow::as_select())
        .load(conn)
}

/// The reader's customers at payment providers.
pub fn customers_of(conn: &mut DbConnection, reader: &str) -> QueryResult<Vec<BillingCustomerRow>> {
    billing_customers::table
        .filter(billing_customers::reader_id.eq(reader))
        .select(BillingCustomerRow::as_select())
        .load(conn)
}
