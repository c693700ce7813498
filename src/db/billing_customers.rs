//! The `billing_customers` aggregate: a reader's customer at the payment
//! provider (Stripe `cus_...`), created once and reused for every checkout
//! and portal visit, so the reader sees one history of invoices there.

use super::DbConnection;
use super::schema::billing_customers;
use crate::domain::ReaderId;
use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::result::{DatabaseErrorKind, Error};

/// A reader's customer as stored.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = billing_customers)]
pub struct BillingCustomerRow {
    pub reader_id: String,
    pub provider: String,
    pub customer_id: String,
    pub created_at: NaiveDateTime,
}

#[derive(Insertable)]
#[diesel(table_name = billing_customers)]
struct NewBillingCustomer<'a> {
    reader_id: &'a str,
    provider: &'a str,
    customer_id: &'a str,
    created_at: NaiveDateTime,
}

/// The customer remembered for `reader`, whichever provider made it.
pub fn find(conn: &mut DbConnection, reader: &ReaderId) -> QueryResult<Option<BillingCustomerRow>> {
    billing_customers::table
        .find(reader.as_str())
        .select(BillingCustomerRow::as_select())
        .first(conn)
        .optional()
}

/// Remembers `customer_id` as `reader`'s customer at `provider`, unless one
/// is remembered already (a concurrent checkout got there first); returns
/// the customer now stored, which callers use from then on.
pub fn remember(
    conn: &mut DbConnection,
    reader: &ReaderId,
    provider: &str,
    customer_id: &str,
    now: NaiveDateTime,
) -> QueryResult<BillingCustomerRow> {
    if let Some(existing) = find(conn, reader)? {
        return Ok(existing);
    }
    let inserted = diesel::insert_into(billing_customers::table)
        .values(&NewBillingCustomer {
            reader_id: reader.as_str(),
            provider,
            customer_id,
            created_at: now,
        })
        .execute(conn);
    match inserted {
        Ok(_) | Err(Error::DatabaseError(DatabaseErrorKind::UniqueViolation, _)) => {
            find(conn, reader)?.ok_or(Error::NotFound)
        }
        Err(error) => Err(error),
    }
}
