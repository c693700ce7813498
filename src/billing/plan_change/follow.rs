//! Following a plan change Stripe reports: `customer.subscription.updated`
//! whose item carries another of our prices (a change in the billing
//! portal, an upgrade made through our API, or a scheduled downgrade
//! reaching the period end). The subscription moves to that price's tier
//! and interval; a pending downgrade to it is marked applied. While the
//! snapshot carries a `pending_update` (a payment-first update whose
//! payment has not succeeded) the item still shows the old price and the
//! old plan stays (<https://docs.stripe.com/billing/subscriptions/pending-updates>);
//! `customer.subscription.pending_update_expired` then changes nothing.

use crate::db::DbConnection;
use crate::db::plan_changes::{self, NewPlanChange, Plan};
use crate::db::subscriptions::SubscriptionRow;
use crate::domain::{BillingInterval, PlanChangeKind, PlanChangeStatus, PricedPlan, classify};
use crate::error::ApiError;
use chrono::NaiveDateTime;
use serde_json::Value;

/// The price id on the snapshot's first item (Masthead sells one item).
fn item_price(object: &Value) -> Option<&str> {
    let item = object.get("items")?.get("data")?.get(0)?;
    let price = item.get("price")?;
    price
        .get("id")
        .and_then(Value::as_str)
        .or_else(|| price.as_str())
}

/// Moves `row` to the plan of the price on `object`'s item, if that is
/// one of ours and not `row`'s plan already. `actor` names who changed it
/// (e.g. `provider:stripe`).
pub fn follow_provider_plan(
    conn: &mut DbConnection,
    row: &SubscriptionRow,
    object: &Value,
    actor: &str,
    now: NaiveDateTime,
) -> Result<(), ApiError> {
    if object.get("pending_update").is_some_and(Value::is_object) {
        tracing::info!(subscription = %row.id, "stripe holds a payment-first update; the plan stays");
        return Ok(());
    }
    let Some(price) = item_price(object) else {
        return Ok(());
    };
    let Some((tier, interval)) = plan_changes::plan_of_stripe_price(conn, price)? else {
        tracing::warn!(subscription = %row.id, price, "the stripe subscription carries a price that is not one of ours");
        return Ok(());
    };
    let (Some(from_interval), Some(to_interval)) =
        (row.billing_interval(), BillingInterval::parse(&interval))
    else {
        return Ok(());
    };
    if tier == row.tier_id && to_interval == from_interval {
        return Ok(());
    }
    let Some(state) = row.state() else {
        return Ok(());
    };
    let from = Plan {
        tier: &row.tier_id,
        interval: from_interval,
    };
    let to = Plan {
        tier: &tier,
        interval: to_interval,
    };
    if !plan_changes::set_plan(conn, &row.subscription_id(), state, &from, &to, None, now)? {
        return Ok(());
    }
    let pending = plan_changes::pending_for(conn, &row.subscription_id())?;
    if let Some(pending) = pending {
        let reached = pending.to_tier_id == tier && pending.to_interval() == Some(to_interval);
        let status = if reached {
            PlanChangeStatus::Applied
        } else {
            PlanChangeStatus::Undone
        };
        plan_changes::settle(conn, &pending.id, status, now)?;
        if reached {
            return Ok(());
        }
    }
    let kind = kind_of(conn, &from, &to)?;
    let id = uuid::Uuid::now_v7().to_string();
    plan_changes::insert(
        conn,
        &NewPlanChange {
            id: &id,
            subscription_id: &row.id,
            kind,
            from_tier_id: &row.tier_id,
            from_interval: from_interval.as_str(),
            to_tier_id: &tier,
            to_interval: to_interval.as_str(),
            status: PlanChangeStatus::Applied,
            prorated_cents: None,
            effective_at: now,
            actor,
            created_at: now,
            settled_at: Some(now),
        },
    )?;
    tracing::info!(subscription = %row.id, from = %row.tier_id, to = %tier, "plan changed at the provider");
    Ok(())
}

/// Labels the change for the history by our own rule (the provider has
/// already charged for it): the prices of both plans, as `classify` reads
/// them; a plan whose price is unknown counts as a downgrade.
fn kind_of(
    conn: &mut DbConnection,
    from: &Plan<'_>,
    to: &Plan<'_>,
) -> Result<PlanChangeKind, ApiError> {
    let mut priced = |plan: &Plan<'_>| -> Result<Option<PricedPlan>, ApiError> {
        Ok(crate::db::tiers::find(conn, plan.tier)?.and_then(|tier| {
            tier.prices
                .into_iter()
                .find(|price| price.interval == plan.interval)
                .map(|price| PricedPlan {
                    interval: plan.interval,
                    amount_cents: price.amount.get(),
                })
        }))
    };
    let kind = match (priced(from)?, priced(to)?) {
        (Some(from), Some(to)) => classify(from, to).unwrap_or(PlanChangeKind::Downgrade),
        _ => PlanChangeKind::Downgrade,
    };
    Ok(kind)
}
