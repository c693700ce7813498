//! What the payment provider keeps about a subscription: its ids there, the
//! provider's time of the newest state applied (so a late, older report
//! never moves the subscription backwards), and a dispute flag.

use crate::db::DbConnection;
use crate::db::schema::subscriptions;
use crate::domain::SubscriptionId;
use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::SubscriptionRow;

/// The subscription the provider knows as `provider_subscription_id`.
pub fn find_by_provider_subscription(
    conn: &mut DbConnection,
    provider: &str,
    provider_subscription_id: &str,
) -> QueryResult<Option<SubscriptionRow>> {
    subscriptions::table
        .filter(subscriptions::provider.eq(provider))
        .filter(subscriptions::provider_subscription_id.eq(provider_subscription_id))
        .order(subscriptions::created_at.desc())
        .select(SubscriptionRow::as_select())
        .first(conn)
        .optional()
}

/// The provider's time of the newest state applied to subscription `id`.
pub fn provider_updated_at(
    conn: &mut DbConnection,
    id: &SubscriptionId,
) -> QueryResult<Option<NaiveDateTime>> {
    subscriptions::table
        .find(id.as_str())
        .select(subscriptions::provider_updated_at)
        .first(conn)
}

/// Remembers `at` as the newest provider state applied, unless a newer one
/// was remembered already.
pub fn record_provider_update(
    conn: &mut DbConnection,
    id: &SubscriptionId,
    at: NaiveDateTime,
) -> QueryResult<()> {
    diesel::update(
        subscriptions::table
            .filter(subscriptions::id.eq(id.as_str()))
            .filter(
                subscriptions::provider_updated_at
                    .is_null()
                    .or(subscriptions::provider_updated_at.lt(at)),
            ),
    )
    .set(subscriptions::provider_updated_at.eq(at))
    .execute(conn)
    .map(drop)
}

/// Fills in the provider's customer and subscription ids where unknown.
pub fn link_provider_ids(
    conn: &mut DbConnection,
    id: &SubscriptionId,
    customer: Option<&str>,
    subscription: Option<&str>,
) -> QueryResult<()> {
    if let Some(customer) = customer {
        diesel::update(
            subscriptions::table
                .filter(subscriptions::id.eq(id.as_str()))
                .filter(subscriptions::provider_customer_id.is_null()),
        )
        .set(subscriptions::provider_customer_id.eq(customer))
        .execute(conn)?;
    }
    if let Some(subscription) = subscription {
        diesel::update(
            subscriptions::table
                .filter(subscriptions::id.eq(id.as_str()))
                .filter(subscriptions::provider_subscription_id.is_null()),
        )
        .set(subscriptions::provider_subscription_id.eq(subscription))
        .execute(conn)?;
    }
    Ok(())
}

/// When a dispute was opened against one of the subscription's payments.
pub fn disputed_at(
    conn: &mut DbConnection,
    id: &SubscriptionId,
) -> QueryResult<Option<NaiveDateTime>> {
    subscriptions::table
        .find(id.as_str())
        .select(subscriptions::disputed_at)
        .first(conn)
}

/// Flags the subscription as disputed at `at` (the first dispute stays).
pub fn mark_disputed(
    conn: &mut DbConnection,
    id: &SubscriptionId,
    at: NaiveDateTime,
) -> QueryResult<()> {
    diesel::update(
        subscriptions::table
            .filter(subscriptions::id.eq(id.as_str()))
            .filter(subscriptions::disputed_at.is_null()),
    )
    .set(subscriptions::disputed_at.eq(at))
    .execute(conn)
    .map(drop)
}

/// Keeps (or, with `None`, clears) the page where the reader finishes a
/// payment Stripe could not take (the invoice's `hosted_invoice_url`).
pub fn set_payment_action_url(
    conn: &mut DbConnection,
    id: &SubscriptionId,
    url: Option<&str>,
) -> QueryResult<()> {
    diesel::update(subscriptions::table.find(id.as_str()))
        .set(subscriptions::payment_action_url.eq(url))
        .execute(conn)
        .map(drop)
}

/// The page where the reader finishes a payment, if one is waiting.
pub fn payment_action_url(
    conn: &mut DbConnection,
    id: &SubscriptionId,
) -> QueryResult<Option<String>> {
    subscriptions::table
        .find(id.as_str())
        .select(subscriptions::payment_action_url)
        .first(conn)
}
