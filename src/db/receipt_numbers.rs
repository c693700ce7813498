//! Receipt numbers for a provider that does not number its own (the
//! development provider; Stripe numbers its invoices): one counter row per
//! provider, taken by an increment inside the transaction that records the
//! payment. The increment holds the row's lock until commit on PostgreSQL
//! (SQLite has one writer), so concurrent payments get consecutive,
//! distinct numbers, and a rolled-back payment gives its number back.

use super::DbConnection;
use super::schema::receipt_numbers;
use diesel::prelude::*;

/// The next receipt number of `provider` (1, 2, 3, ...); `NotFound` for a
/// provider without a counter (the migration creates the development
/// provider's).
pub fn next(conn: &mut DbConnection, provider: &str) -> QueryResult<i64> {
    let counter = receipt_numbers::table.find(provider);
    let updated = diesel::update(counter)
        .set(receipt_numbers::last_number.eq(receipt_numbers::last_number + 1))
        .execute(conn)?;
    if updated == 0 {
        return Err(diesel::result::Error::NotFound);
    }
    counter.select(receipt_numbers::last_number).first(conn)
}
