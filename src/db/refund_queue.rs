//! What support needs beside each refund request to decide it without
//! opening three other pages: who asked (email, name), the subscription
//! (tier, state), and its payments (the money at stake and when the first
//! was paid, which starts the guarantee).

use super::DbConnection;
use super::schema::{payments, readers, subscriptions};
use chrono::NaiveDateTime;
use diesel::prelude::*;

/// Who asked.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = readers)]
pub struct Asker {
    pub id: String,
    pub email: String,
    pub name: String,
}

/// The subscription a request is about.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = subscriptions)]
pub struct AskedSubscription {
    pub id: String,
    pub tier_id: String,
    pub state: String,
}

/// One payment of such a subscription.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = payments)]
pub struct AskedPayment {
    pub subscription_id: String,
    pub amount_cents: i64,
    pub refunded_cents: i64,
    pub currency: String,
    pub paid_at: NaiveDateTime,
}

/// The askers, subscriptions and payments of a page of requests (three
/// queries, however long the page).
pub fn context(
    conn: &mut DbConnection,
    reader_ids: &[String],
    subscription_ids: &[String],
) -> QueryResult<(Vec<Asker>, Vec<AskedSubscription>, Vec<AskedPayment>)> {
    let askers = readers::table
        .filter(readers::id.eq_any(reader_ids))
        .select(Asker::as_select())
        .load(conn)?;
    let subscriptions = subscriptions::table
        .filter(subscriptions::id.eq_any(subscription_ids))
        .select(AskedSubscription::as_select())
        .load(conn)?;
    let payments = payments::table
        .filter(payments::subscription_id.eq_any(subscription_ids))
        .order((payments::paid_at.asc(), payments::id.asc()))
        .select(AskedPayment::as_select())
        .load(conn)?;
    Ok((askers, subscriptions, payments))
}
