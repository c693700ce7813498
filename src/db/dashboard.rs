//! The dashboard's reads: counts grouped in SQL where the grouping is a
//! column, and small row sets (one period's events) where it is a time
//! bucket, which the two backends spell differently; the buckets are cut
//! in Rust (`domain::dashboard`). A paid subscription is one with a
//! billing interval (comps and gifts have none), not a duplicate.

use super::DbConnection;
use super::schema::{checkouts, gifts, refunds, subscription_events, subscriptions, tier_prices};
use crate::domain::{CheckoutStatus, SubscriptionState};
use chrono::NaiveDateTime;
use diesel::dsl::count_star;
use diesel::prelude::*;

/// The states that hold a subscriber now (not ended, not abandoned).
pub const HOLDING: [SubscriptionState; 8] = [
    SubscriptionState::Trialing,
    SubscriptionState::Active,
    SubscriptionState::PastDue,
    SubscriptionState::Canceling,
    SubscriptionState::Comped,
    SubscriptionState::Unpaid,
    SubscriptionState::Paused,
    SubscriptionState::Gift,
];

/// The states whose next renewal is charged: the MRR's.
pub const PAYING: [SubscriptionState; 3] = [
    SubscriptionState::Active,
    SubscriptionState::PastDue,
    SubscriptionState::Canceling,
];

/// The states a paid subscription ends in.
pub const ENDED: [SubscriptionState; 2] = [SubscriptionState::Expired, SubscriptionState::Refunded];

fn names(states: &[SubscriptionState]) -> Vec<&'static str> {
    states.iter().map(|state| state.as_str()).collect()
}

/// `(tier, interval, state, count)`.
pub type HoldingRow = (String, Option<String>, String, i64);

/// How many subscriptions hold a subscriber now, by tier, interval and state.
pub fn holding_by_tier(conn: &mut DbConnection) -> QueryResult<Vec<HoldingRow>> {
    subscriptions::table
        .filter(subscriptions::state.eq_any(names(&HOLDING)))
        .filter(subscriptions::duplicate_of.is_null())
        .group_by((
            subscriptions::tier_id,
            subscriptions::billing_interval,
            subscriptions::state,
        ))
        .select((
            subscriptions::tier_id,
            subscriptions::billing_interval,
            subscriptions::state,
            count_star(),
        ))
        .load(conn)
}

/// A paying subscription with what its checkout said about money:
/// `(tier, interval, started_at, currency, trial days, free gift days,
/// discount per payment, discounted payments)`; the checkout's columns are
/// `None` for a subscription no checkout made (imported, made at Stripe).
pub type PayingRow = (
    String,
    Option<String>,
    NaiveDateTime,
    Option<String>,
    Option<i32>,
    Option<i32>,
    Option<i64>,
    Option<i32>,
);

/// Every paying subscription, for the MRR.
pub fn paying(conn: &mut DbConnection) -> QueryResult<Vec<PayingRow>> {
    subscriptions::table
        .left_join(checkouts::table.on(checkouts::subscription_id.eq(subscriptions::id.nullable())))
        .filter(subscriptions::state.eq_any(names(&PAYING)))
        .filter(subscriptions::duplicate_of.is_null())
        .filter(subscriptions::billing_interval.is_not_null())
        .select((
            subscriptions::tier_id,
            subscriptions::billing_interval,
            subscriptions::started_at,
            checkouts::currency.nullable(),
            checkouts::trial_days.nullable(),
            checkouts::gift_days.nullable(),
            checkouts::discount_cents.nullable(),
            checkouts::discount_payments.nullable(),
        ))
        .load(conn)
}

/// Every tier price: `(tier, interval, currency, amount)`.
pub fn prices(conn: &mut DbConnection) -> QueryResult<Vec<(String, String, String, i64)>> {
    tier_prices::table
        .select((
            tier_prices::tier_id,
            tier_prices::billing_interval,
            tier_prices::currency,
            tier_prices::amount_cents,
        ))
        .load(conn)
}

/// Paid subscriptions active at `at`: started before it, not ended by it.
pub fn paid_active_at(conn: &mut DbConnection, at: NaiveDateTime) -> QueryResult<i64> {
    subscriptions::table
        .filter(subscriptions::billing_interval.is_not_null())
        .filter(subscriptions::duplicate_of.is_null())
        .filter(subscriptions::started_at.lt(at))
        .filter(
            subscriptions::ended_at
                .is_null()
                .or(subscriptions::ended_at.ge(at)),
        )
        .count()
        .get_result(conn)
}

/// When each paid subscription started within `[from, to)`.
pub fn paid_starts(
    conn: &mut DbConnection,
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> QueryResult<Vec<NaiveDateTime>> {
    subscriptions::table
        .filter(subscriptions::billing_interval.is_not_null())
        .filter(subscriptions::duplicate_of.is_null())
        .filter(subscriptions::started_at.ge(from))
        .filter(subscriptions::started_at.lt(to))
        .select(subscriptions::started_at)
        .load(conn)
}

/// The state changes of paid subscriptions within `[from, to)`:
/// `(from state, to state, when)`.
pub fn paid_transitions(
    conn: &mut DbConnection,
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> QueryResult<Vec<(Option<String>, String, NaiveDateTime)>> {
    subscription_events::table
        .inner_join(subscriptions::table)
        .filter(subscriptions::billing_interval.is_not_null())
        .filter(subscription_events::from_state.is_not_null())
        .filter(subscription_events::occurred_at.ge(from))
        .filter(subscription_events::occurred_at.lt(to))
        .select((
            subscription_events::from_state,
            subscription_events::to_state,
            subscription_events::occurred_at,
        ))
        .load(conn)
}

/// Refunds within `[from, to)`: `(subscription, amount, currency, when)`.
pub fn refunds_between(
    conn: &mut DbConnection,
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> QueryResult<Vec<(String, i64, String, NaiveDateTime)>> {
    refunds::table
        .filter(refunds::created_at.ge(from))
        .filter(refunds::created_at.lt(to))
        .select((
            refunds::subscription_id,
            refunds::amount_cents,
            refunds::currency,
            refunds::created_at,
        ))
        .load(conn)
}

/// Redeemed gifts whose recipient later started a paid subscription within
/// `[from, to)`: when that subscription started, once per gift.
pub fn gift_conversions(
    conn: &mut DbConnection,
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> QueryResult<Vec<(String, NaiveDateTime)>> {
    gifts::table
        .inner_join(
            subscriptions::table.on(subscriptions::reader_id
                .nullable()
                .eq(gifts::redeemed_by)
                .and(subscriptions::billing_interval.is_not_null())
                .and(subscriptions::started_at.nullable().ge(gifts::redeemed_at))),
        )
        .filter(subscriptions::started_at.ge(from))
        .filter(subscriptions::started_at.lt(to))
        .select((gifts::id, subscriptions::started_at))
        .order(subscriptions::started_at.asc())
        .load(conn)
}

/// Gifts redeemed within `[from, to)`.
pub fn gifts_redeemed(
    conn: &mut DbConnection,
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> QueryResult<i64> {
    gifts::table
        .filter(gifts::redeemed_at.ge(from))
        .filter(gifts::redeemed_at.lt(to))
        .count()
        .get_result(conn)
}

/// Checkouts started from an article's paywall within `[from, to)`:
/// `(article, started, completed)`, the most completed first.
pub fn paywall_checkouts(
    conn: &mut DbConnection,
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> QueryResult<Vec<(String, i64, i64)>> {
    let window = checkouts::created_at
        .ge(from)
        .and(checkouts::created_at.lt(to));
    let started: Vec<(Option<String>, i64)> = checkouts::table
        .filter(checkouts::source_article.is_not_null())
        .filter(window)
        .group_by(checkouts::source_article)
        .select((checkouts::source_article, count_star()))
        .load(conn)?;
    let completed: Vec<(Option<String>, i64)> = checkouts::table
        .filter(checkouts::source_article.is_not_null())
        .filter(window)
        .filter(checkouts::status.eq(CheckoutStatus::Completed.as_str()))
        .group_by(checkouts::source_article)
        .select((checkouts::source_article, count_star()))
        .load(conn)?;
    let mut rows: Vec<(String, i64, i64)> = started
        .into_iter()
        .filter_map(|(article, started)| {
            let article = article?;
            let done = completed
                .iter()
                .find(|(other, _)| other.as_deref() == Some(article.as_str()))
                .map_or(0, |(_, count)| *count);
            Some((article, started, done))
        })
        .collect();
    rows.sort_by(|a, b| b.2.cmp(&a.2).then(b.1.cmp(&a.1)).then(a.0.cmp(&b.0)));
    Ok(rows)
}

/// When each of `subscriptions` was first paid for, by subscription.
pub fn first_payments(
    conn: &mut DbConnection,
    subscriptions: &[String],
) -> QueryResult<Vec<(String, Option<NaiveDateTime>)>> {
    use super::schema::payments;
    payments::table
        .filter(payments::subscription_id.eq_any(subscriptions))
        .group_by(payments::subscription_id)
        .select((
            payments::subscription_id,
            diesel::dsl::min(payments::paid_at),
        ))
        .load(conn)
}
