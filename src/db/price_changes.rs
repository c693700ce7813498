//! Prices scheduled for a tier and interval (`price_changes`) and each
//! subscriber's move to one (`price_change_moves`). The price in effect at
//! a time is the latest change whose date has passed by then, else the
//! tier's own price; [`super::tiers`] overlays it, so checkout, `/v1/plans`
//! and the reminders read one answer.

use super::DbConnection;
use super::schema::{price_change_moves, price_changes, subscriptions};
use super::subscriptions::SubscriptionRow;
use crate::domain::{AmountCents, BillingInterval, Currency, PriceChangeId, SubscriptionState};
use chrono::NaiveDateTime;
use diesel::prelude::*;

/// A scheduled price as stored.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = price_changes)]
pub struct PriceChangeRow {
    pub id: String,
    pub tier_id: String,
    pub billing_interval: String,
    pub currency: String,
    pub amount_cents: i64,
    pub effective_at: NaiveDateTime,
    pub stripe_price_id: Option<String>,
    pub created_at: NaiveDateTime,
}

impl PriceChangeRow {
    /// The typed id.
    pub fn price_change_id(&self) -> PriceChangeId {
        PriceChangeId::from_db(self.id.clone())
    }

    /// The interval, when this build knows it.
    pub fn interval(&self) -> Option<BillingInterval> {
        BillingInterval::parse(&self.billing_interval)
    }
}

/// A price to schedule, checked by the caller.
#[derive(Debug, Clone)]
pub struct NewPriceChange<'a> {
    pub id: &'a PriceChangeId,
    pub tier: &'a str,
    pub interval: BillingInterval,
    pub currency: &'a Currency,
    pub amount: AmountCents,
    pub effective_at: NaiveDateTime,
}

/// Stores a scheduled price.
pub fn insert(
    conn: &mut DbConnection,
    new: &NewPriceChange<'_>,
    now: NaiveDateTime,
) -> QueryResult<()> {
    diesel::insert_into(price_changes::table)
        .values((
            price_changes::id.eq(new.id.as_str()),
            price_changes::tier_id.eq(new.tier),
            price_changes::billing_interval.eq(new.interval.as_str()),
            price_changes::currency.eq(new.currency.as_str()),
            price_changes::amount_cents.eq(new.amount.get()),
            price_changes::effective_at.eq(new.effective_at),
            price_changes::created_at.eq(now),
        ))
        .execute(conn)
        .map(drop)
}

/// The scheduled prices of `tier`, by date.
pub fn of_tier(conn: &mut DbConnection, tier: &str) -> QueryResult<Vec<PriceChangeRow>> {
    price_changes::table
        .filter(price_changes::tier_id.eq(tier))
        .order((price_changes::effective_at.asc(), price_changes::id.asc()))
        .select(PriceChangeRow::as_select())
        .load(conn)
}

/// Every scheduled price effective by `at`, by date (the later one wins).
pub fn effective_by(
    conn: &mut DbConnection,
    at: NaiveDateTime,
) -> QueryResult<Vec<PriceChangeRow>> {
    price_changes::table
        .filter(price_changes::effective_at.le(at))
        .order((price_changes::effective_at.asc(), price_changes::id.asc()))
        .select(PriceChangeRow::as_select())
        .load(conn)
}

/// The scheduled prices effective after `since` (older ones have moved
/// everyone who renews), by date.
pub fn since(conn: &mut DbConnection, since: NaiveDateTime) -> QueryResult<Vec<PriceChangeRow>> {
    price_changes::table
        .filter(price_changes::effective_at.gt(since))
        .order((price_changes::effective_at.asc(), price_changes::id.asc()))
        .select(PriceChangeRow::as_select())
        .load(conn)
}

/// One scheduled price.
pub fn find(conn: &mut DbConnection, id: &str) -> QueryResult<Option<PriceChangeRow>> {
    price_changes::table
        .find(id)
        .select(PriceChangeRow::as_select())
        .first(conn)
        .optional()
}

/// Withdraws the scheduled price `id` of `tier` if it is not effective by
/// `now` (a conditional delete); returns whether it did.
pub fn withdraw(
    conn: &mut DbConnection,
    tier: &str,
    id: &str,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    let deleted = diesel::delete(
        price_changes::table
            .filter(price_changes::id.eq(id))
            .filter(price_changes::tier_id.eq(tier))
            .filter(price_changes::effective_at.gt(now)),
    )
    .execute(conn)?;
    Ok(deleted == 1)
}

/// Remembers the provider's price for the scheduled price `id` unless one
/// is set; returns the one in effect, so every caller uses the same.
pub fn remember_stripe_price(
    conn: &mut DbConnection,
    id: &str,
    stripe_price_id: &str,
) -> QueryResult<String> {
    diesel::update(
        price_changes::table
            .find(id)
            .filter(price_changes::stripe_price_id.is_null()),
    )
    .set(price_changes::stripe_price_id.eq(stripe_price_id))
    .execute(conn)?;
    price_changes::table
        .find(id)
        .select(price_changes::stripe_price_id)
        .first::<Option<String>>(conn)?
        .ok_or(diesel::result::Error::NotFound)
}

/// The `active` (renewing, not canceling) subscriptions of `tier` billed
/// by `interval` that have not been told of the change `change` yet.
pub fn untold(
    conn: &mut DbConnection,
    change: &PriceChangeRow,
) -> QueryResult<Vec<SubscriptionRow>> {
    let told = price_change_moves::table
        .filter(price_change_moves::price_change_id.eq(&change.id))
        .select(price_change_moves::subscription_id);
    subscriptions::table
        .filter(subscriptions::state.eq(SubscriptionState::Active.as_str()))
        .filter(subscriptions::tier_id.eq(&change.tier_id))
        .filter(subscriptions::billing_interval.eq(&change.billing_interval))
        .filter(subscriptions::provider.is_not_null())
        .filter(subscriptions::current_period_end.is_not_null())
        .filter(subscriptions::id.ne_all(told))
        .order(subscriptions::id.asc())
        .select(SubscriptionRow::as_select())
        .load(conn)
}

/// Records that the subscriber of `subscription` was told of `change`,
/// applying at their renewal `applies_at`, unless they were already:
/// `true` when this call recorded it (the caller queues the notice in the
/// same transaction). Looked up first, then inserted in a savepoint, like
/// `reminders_sent::mark`.
pub fn mark_told(
    conn: &mut DbConnection,
    change: &str,
    subscription: &str,
    applies_at: NaiveDateTime,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    let taken = price_change_moves::table
        .find((change, subscription))
        .select(price_change_moves::subscription_id)
        .first::<String>(conn)
        .optional()?
        .is_some();
    if taken {
        return Ok(false);
    }
    super::unique::insert_unless_taken(conn, |conn| {
        diesel::insert_into(price_change_moves::table)
            .values((
                price_change_moves::price_change_id.eq(change),
                price_change_moves::subscription_id.eq(subscription),
                price_change_moves::applies_at.eq(applies_at),
                price_change_moves::notified_at.eq(now),
            ))
            .execute(conn)
    })
}

/// A subscriber told of a price change and not yet moved to it.
#[derive(Debug, Clone)]
pub struct PendingMove {
    pub change: PriceChangeRow,
    pub subscription: SubscriptionRow,
    pub applies_at: NaiveDateTime,
}

/// The moves due by `now`: told, not moved, the change effective and the
/// renewal it applies at no further than `lead` ahead, the subscription
/// still `active`.
pub fn due_moves(
    conn: &mut DbConnection,
    now: NaiveDateTime,
    lead: chrono::Duration,
) -> QueryResult<Vec<PendingMove>> {
    let rows: Vec<(String, String, NaiveDateTime)> = price_change_moves::table
        .filter(price_change_moves::moved_at.is_null())
        .filter(price_change_moves::applies_at.le(now + lead))
        .order((
            price_change_moves::price_change_id.asc(),
            price_change_moves::subscription_id.asc(),
        ))
        .select((
            price_change_moves::price_change_id,
            price_change_moves::subscription_id,
            price_change_moves::applies_at,
        ))
        .load(conn)?;
    let mut due = Vec::new();
    for (change, subscription, applies_at) in rows {
        let Some(change) = find(conn, &change)? else {
            continue;
        };
        if change.effective_at > now {
            continue;
        }
        let subscription = subscriptions::table
            .find(&subscription)
            .filter(subscriptions::state.eq(SubscriptionState::Active.as_str()))
            .select(SubscriptionRow::as_select())
            .first(conn)
            .optional()?;
        if let Some(subscription) = subscription {
            due.push(PendingMove {
                change,
                subscription,
                applies_at,
            });
        }
    }
    Ok(due)
}

/// Marks the move of `subscription` to `change` done (conditionally, once);
/// returns whether this call did.
pub fn mark_moved(
    conn: &mut DbConnection,
    change: &str,
    subscription: &str,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    let moved = diesel::update(
        price_change_moves::table
            .find((change, subscription))
            .filter(price_change_moves::moved_at.is_null()),
    )
    .set(price_change_moves::moved_at.eq(now))
    .execute(conn)?;
    Ok(moved == 1)
}

/// The latest scheduled price `subscription` was told of that applies by
/// its renewal `at`: what that renewal is charged.
pub fn told_applying_by(
    conn: &mut DbConnection,
    subscription: &str,
    at: NaiveDateTime,
) -> QueryResult<Option<PriceChangeRow>> {
    price_change_moves::table
        .inner_join(price_changes::table)
        .filter(price_change_moves::subscription_id.eq(subscription))
        .filter(price_change_moves::applies_at.le(at))
        .order(price_changes::effective_at.desc())
        .select(PriceChangeRow::as_select())
        .first(conn)
        .optional()
}
