//! What the scheduled lifecycle sweeps look for: subscriptions whose
//! renewal, trial end or comp end comes within a window (for reminders),
//! whose grace window or comp has ended (to move them on), and issues
//! whose print cut-off comes soon. Each a plain read; the sweep decides
//! and writes through the aggregates' own functions.

use super::DbConnection;
use super::issues::IssueRow;
use super::schema::{issues, subscriptions};
use super::subscriptions::SubscriptionRow;
use crate::domain::{BillingInterval, SubscriptionState};
use chrono::NaiveDateTime;
use diesel::prelude::*;

/// `active` yearly subscriptions (renewing: not `canceling`) whose period
/// ends after `now` and by `until`.
pub fn renewing_yearly(
    conn: &mut DbConnection,
    now: NaiveDateTime,
    until: NaiveDateTime,
) -> QueryResult<Vec<SubscriptionRow>> {
    subscriptions::table
        .filter(subscriptions::state.eq(SubscriptionState::Active.as_str()))
        .filter(subscriptions::billing_interval.eq(BillingInterval::Year.as_str()))
        .filter(subscriptions::current_period_end.gt(now))
        .filter(subscriptions::current_period_end.le(until))
        .order(subscriptions::id.asc())
        .select(SubscriptionRow::as_select())
        .load(conn)
}

/// `trialing` subscriptions whose trial (their period) ends after `now`
/// and by `until`.
pub fn trials_ending(
    conn: &mut DbConnection,
    now: NaiveDateTime,
    until: NaiveDateTime,
) -> QueryResult<Vec<SubscriptionRow>> {
    subscriptions::table
        .filter(subscriptions::state.eq(SubscriptionState::Trialing.as_str()))
        .filter(subscriptions::current_period_end.gt(now))
        .filter(subscriptions::current_period_end.le(until))
        .order(subscriptions::id.asc())
        .select(SubscriptionRow::as_select())
        .load(conn)
}

/// `trialing` subscriptions of `provider` whose trial (their period) ended
/// by `now`.
pub fn trials_over(
    conn: &mut DbConnection,
    now: NaiveDateTime,
    provider: &str,
) -> QueryResult<Vec<SubscriptionRow>> {
    subscriptions::table
        .filter(subscriptions::state.eq(SubscriptionState::Trialing.as_str()))
        .filter(subscriptions::provider.eq(provider))
        .filter(subscriptions::current_period_end.le(now))
        .order(subscriptions::id.asc())
        .select(SubscriptionRow::as_select())
        .load(conn)
}

/// `comped` subscriptions whose end is after `now` and by `until`.
pub fn comps_ending(
    conn: &mut DbConnection,
    now: NaiveDateTime,
    until: NaiveDateTime,
) -> QueryResult<Vec<SubscriptionRow>> {
    subscriptions::table
        .filter(subscriptions::state.eq(SubscriptionState::Comped.as_str()))
        .filter(subscriptions::comped_until.gt(now))
        .filter(subscriptions::comped_until.le(until))
        .order(subscriptions::id.asc())
        .select(SubscriptionRow::as_select())
        .load(conn)
}

/// `comped` subscriptions whose end has passed by `now`.
pub fn comps_over(
    conn: &mut DbConnection,
    now: NaiveDateTime,
) -> QueryResult<Vec<SubscriptionRow>> {
    subscriptions::table
        .filter(subscriptions::state.eq(SubscriptionState::Comped.as_str()))
        .filter(subscriptions::comped_until.le(now))
        .order(subscriptions::id.asc())
        .select(SubscriptionRow::as_select())
        .load(conn)
}

/// `gift` subscriptions whose end is after `now` and by `until` (the
/// offer to continue as a subscriber goes to these).
pub fn gifts_ending(
    conn: &mut DbConnection,
    now: NaiveDateTime,
    until: NaiveDateTime,
) -> QueryResult<Vec<SubscriptionRow>> {
    subscriptions::table
        .filter(subscriptions::state.eq(SubscriptionState::Gift.as_str()))
        .filter(subscriptions::current_period_end.gt(now))
        .filter(subscriptions::current_period_end.le(until))
        .order(subscriptions::id.asc())
        .select(SubscriptionRow::as_select())
        .load(conn)
}

/// `gift` subscriptions whose end has passed by `now`.
pub fn gifts_over(
    conn: &mut DbConnection,
    now: NaiveDateTime,
) -> QueryResult<Vec<SubscriptionRow>> {
    subscriptions::table
        .filter(subscriptions::state.eq(SubscriptionState::Gift.as_str()))
        .filter(subscriptions::current_period_end.le(now))
        .order(subscriptions::id.asc())
        .select(SubscriptionRow::as_select())
        .load(conn)
}

/// `past_due` subscriptions whose grace window ended by `now` and that no
/// outside provider bills (none, or the development provider named
/// `local`): Stripe reports its own end of dunning (`unpaid`, `canceled`).
pub fn past_grace(
    conn: &mut DbConnection,
    now: NaiveDateTime,
    local: &str,
) -> QueryResult<Vec<SubscriptionRow>> {
    subscriptions::table
        .filter(subscriptions::state.eq(SubscriptionState::PastDue.as_str()))
        .filter(subscriptions::grace_ends_at.le(now))
        .filter(
            subscriptions::provider
                .is_null()
                .or(subscriptions::provider.eq(local)),
        )
        .order(subscriptions::id.asc())
        .select(SubscriptionRow::as_select())
        .load(conn)
}

/// Issues (published or not) whose publication date falls after `from`
/// and by `until`, soonest first.
pub fn issues_published_between(
    conn: &mut DbConnection,
    from: NaiveDateTime,
    until: NaiveDateTime,
) -> QueryResult<Vec<IssueRow>> {
    issues::table
        .filter(issues::publication_date.gt(from))
        .filter(issues::publication_date.le(until))
        .order((issues::publication_date.asc(), issues::number.asc()))
        .select(IssueRow::as_select())
        .load(conn)
}
