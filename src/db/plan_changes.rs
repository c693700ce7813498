//! The `subscription_plan_changes` aggregate, and the one update that
//! moves a subscription to another plan. A change leaves `pending` once,
//! through a conditional update, and a subscription's plan only moves from
//! the plan the caller saw, so two changes at once cannot both apply.

use super::DbConnection;
use super::schema::{subscription_plan_changes as changes, subscriptions};
use crate::domain::{
    BillingInterval, PlanChangeKind, PlanChangeStatus, SubscriptionId, SubscriptionState,
};
use chrono::NaiveDateTime;
use diesel::prelude::*;

/// A plan change as stored.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = changes)]
pub struct PlanChangeRow {
    pub id: String,
    pub subscription_id: String,
    pub kind: PlanChangeKind,
    pub from_tier_id: String,
    pub from_interval: String,
    pub to_tier_id: String,
    pub to_interval: String,
    pub status: PlanChangeStatus,
    pub prorated_cents: Option<i64>,
    pub effective_at: NaiveDateTime,
    pub actor: String,
    pub created_at: NaiveDateTime,
    pub settled_at: Option<NaiveDateTime>,
}

impl PlanChangeRow {
    /// The interval changed to (`None` if the stored value is unknown).
    pub fn to_interval(&self) -> Option<BillingInterval> {
        BillingInterval::parse(&self.to_interval)
    }
}

/// A change to record.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = changes)]
pub struct NewPlanChange<'a> {
    pub id: &'a str,
    pub subscription_id: &'a str,
    pub kind: PlanChangeKind,
    pub from_tier_id: &'a str,
    pub from_interval: &'a str,
    pub to_tier_id: &'a str,
    pub to_interval: &'a str,
    pub status: PlanChangeStatus,
    pub prorated_cents: Option<i64>,
    pub effective_at: NaiveDateTime,
    pub actor: &'a str,
    pub created_at: NaiveDateTime,
    pub settled_at: Option<NaiveDateTime>,
}

/// Records a change (a second `pending` one for the same subscription is
/// a unique violation).
pub fn insert(conn: &mut DbConnection, change: &NewPlanChange<'_>) -> QueryResult<()> {
    diesel::insert_into(changes::table)
        .values(change)
        .execute(conn)
        .map(drop)
}

/// The subscription's change waiting for its period to end, if any.
pub fn pending_for(
    conn: &mut DbConnection,
    subscription: &SubscriptionId,
) -> QueryResult<Option<PlanChangeRow>> {
    changes::table
        .filter(changes::subscription_id.eq(subscription.as_str()))
        .filter(changes::status.eq(PlanChangeStatus::Pending))
        .select(PlanChangeRow::as_select())
        .first(conn)
        .optional()
}

/// Every change of the subscription, oldest first.
pub fn for_subscription(
    conn: &mut DbConnection,
    subscription: &SubscriptionId,
) -> QueryResult<Vec<PlanChangeRow>> {
    changes::table
        .filter(changes::subscription_id.eq(subscription.as_str()))
        .order((changes::created_at.asc(), changes::id.asc()))
        .select(PlanChangeRow::as_select())
        .load(conn)
}

/// Moves a `pending` change to `status` (`applied` or `undone`); `false`
/// when it was no longer pending.
pub fn settle(
    conn: &mut DbConnection,
    id: &str,
    status: PlanChangeStatus,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    let settled = diesel::update(
        changes::table
            .filter(changes::id.eq(id))
            .filter(changes::status.eq(PlanChangeStatus::Pending)),
    )
    .set((changes::status.eq(status), changes::settled_at.eq(now)))
    .execute(conn)?;
    Ok(settled == 1)
}

/// A subscription's plan: its tier and interval.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan<'a> {
    /// The tier's id.
    pub tier: &'a str,
    /// How often it is paid.
    pub interval: BillingInterval,
}

/// Moves the subscription from plan `from` to plan `to` (and to `period`
/// when given) while it is in `state`; `false` when it was not on `from`
/// in that state any more (someone changed it first).
pub fn set_plan(
    conn: &mut DbConnection,
    id: &SubscriptionId,
    state: SubscriptionState,
    from: &Plan<'_>,
    to: &Plan<'_>,
    period: Option<(NaiveDateTime, NaiveDateTime)>,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    let target = subscriptions::table
        .filter(subscriptions::id.eq(id.as_str()))
        .filter(subscriptions::state.eq(state.as_str()))
        .filter(subscriptions::tier_id.eq(from.tier))
        .filter(subscriptions::billing_interval.eq(from.interval.as_str()));
    let plan = (
        subscriptions::tier_id.eq(to.tier),
        subscriptions::billing_interval.eq(to.interval.as_str()),
        subscriptions::updated_at.eq(now),
    );
    let updated = match period {
        Some((start, end)) => diesel::update(target)
            .set((
                plan,
                subscriptions::current_period_start.eq(start),
                subscriptions::current_period_end.eq(end),
            ))
            .execute(conn)?,
        None => diesel::update(target).set(plan).execute(conn)?,
    };
    Ok(updated == 1)
}

/// The tier and interval sold at the provider's price `stripe_price_id`
/// (how a plan changed in Stripe's billing portal is recognised); `None`
/// for a price that is not one of ours.
pub fn plan_of_stripe_price(
    conn: &mut DbConnection,
    stripe_price_id: &str,
) -> QueryResult<Option<(String, String)>> {
    use super::schema::tier_prices;
    tier_prices::table
        .filter(tier_prices::stripe_price_id.eq(stripe_price_id))
        .select((tier_prices::tier_id, tier_prices::billing_interval))
        .first(conn)
        .optional()
}
