//! The `reader_cards` aggregate: the card fingerprints Stripe has shown us
//! for each reader (`payment_method.attached`), so one card gets one free
//! trial however many accounts it pays for. Written once per reader and
//! card; kept when the account is deleted, like the trial marks.

use super::DbConnection;
use super::schema::{billing_customers, reader_cards, subscriptions, trials_used};
use super::unique::insert_unless_taken;
use crate::domain::ReaderId;
use chrono::NaiveDateTime;
use diesel::prelude::*;

/// Remembers that `reader` pays with the card `fingerprint`; a card seen
/// before for them is left as it was.
pub fn remember(
    conn: &mut DbConnection,
    reader: &ReaderId,
    fingerprint: &str,
    now: NaiveDateTime,
) -> QueryResult<()> {
    insert_unless_taken(conn, |conn| {
        diesel::insert_into(reader_cards::table)
            .values((
                reader_cards::reader_id.eq(reader.as_str()),
                reader_cards::fingerprint.eq(fingerprint),
                reader_cards::seen_at.eq(now),
            ))
            .execute(conn)
    })
    .map(drop)
}

/// The fingerprints of `reader`'s cards.
pub fn fingerprints_of(conn: &mut DbConnection, reader: &ReaderId) -> QueryResult<Vec<String>> {
    reader_cards::table
        .filter(reader_cards::reader_id.eq(reader.as_str()))
        .select(reader_cards::fingerprint)
        .order(reader_cards::fingerprint.asc())
        .load(conn)
}

/// The readers who had a free trial and pay with the card `fingerprint`,
/// with when their trial was marked, the first trial first (ties in id
/// order, so every reader of the table agrees which came first).
pub fn trials_on_card(
    conn: &mut DbConnection,
    fingerprint: &str,
) -> QueryResult<Vec<(String, NaiveDateTime)>> {
    reader_cards::table
        .inner_join(trials_used::table.on(trials_used::reader_id.eq(reader_cards::reader_id)))
        .filter(reader_cards::fingerprint.eq(fingerprint))
        .select((trials_used::reader_id, trials_used::used_at))
        .order((trials_used::used_at.asc(), trials_used::reader_id.asc()))
        .load(conn)
}

/// The reader whose customer at `provider` is `customer` (`cus_...`): the
/// remembered customer, else a subscription billed to it.
pub fn reader_of_customer(
    conn: &mut DbConnection,
    provider: &str,
    customer: &str,
) -> QueryResult<Option<ReaderId>> {
    let remembered: Option<String> = billing_customers::table
        .filter(billing_customers::provider.eq(provider))
        .filter(billing_customers::customer_id.eq(customer))
        .select(billing_customers::reader_id)
        .first(conn)
        .optional()?;
    let reader = match remembered {
        Some(reader) => Some(reader),
        None => subscriptions::table
            .filter(subscriptions::provider.eq(provider))
            .filter(subscriptions::provider_customer_id.eq(customer))
            .select(subscriptions::reader_id)
            .first(conn)
            .optional()?,
    };
    Ok(reader.map(ReaderId::from_db))
}
