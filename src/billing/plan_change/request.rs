//! A reader's request to change plan: checked against the offer and the
//! reader, then an upgrade is carried out at once (the proration invoiced
//! now) and a downgrade recorded to take effect at the period end.

use crate::billing::checkout::price_for;
use crate::billing::provider::Provider;
use crate::db::plan_changes::{self, NewPlanChange, Plan, PlanChangeRow};
use crate::db::readers::ReaderRow;
use crate::db::subscriptions::SubscriptionRow;
use crate::db::tiers::{Tier, TierPrice};
use crate::db::{self, Database, DbConnection, payments};
use crate::domain::{Actor, FieldError, ReaderId};
use crate::domain::{
    BillingInterval, Currency, PlanChangeKind, PlanChangeStatus, PricedPlan, SubscriptionState,
    classify, prorate,
};
use crate::error::ApiError;
use chrono::{NaiveDateTime, Utc};

/// The plan the reader asks for; a field left out stays as it is.
#[derive(Debug, Clone, Default)]
pub struct PlanOrder {
    /// The tier's id, as listed by `GET /v1/plans`.
    pub tier: Option<String>,
    /// How often to pay.
    pub interval: Option<BillingInterval>,
}

/// What the request did.
#[derive(Debug, Clone)]
pub struct PlanChangeOutcome {
    /// The subscription as it is now.
    pub subscription: SubscriptionRow,
    /// The change recorded: `applied` (an upgrade) or `pending` (a
    /// downgrade, until its `effective_at`).
    pub change: PlanChangeRow,
}

/// Everything the change is decided from, read in one transaction.
struct Decided {
    subscription: SubscriptionRow,
    from: (Tier, TierPrice),
    to: (Tier, TierPrice),
    kind: PlanChangeKind,
}

fn not_changeable(detail: &str) -> ApiError {
    ApiError::conflict("plan_change_not_allowed", detail.to_owned())
}

/// Changes `reader`'s current paid subscription to the plan `order`
/// names. 404 `subscription_not_found` without one; 409
/// `plan_change_not_allowed` unless it is `active` and paid through a
/// provider (a comp, a cancelling or overdue subscription cannot change),
/// 409 `plan_unchanged`, 409 `plan_change_pending` while a downgrade
/// waits (undo it first); 422 for a tier or interval not on offer and
/// `shipping_address_required` for print without an address. An upgrade
/// is applied at once with its proration; a downgrade is recorded as
/// `pending` until the period end.
pub async fn change_plan(
    db: &Database,
    provider: &Provider,
    reader: &ReaderRow,
    order: PlanOrder,
) -> Result<PlanChangeOutcome, ApiError> {
    let decided = {
        let reader = reader.clone();
        db.run(move |conn| decide(conn, &reader, &order)).await?
    };
    let now = Utc::now().naive_utc();
    let actor = Actor::Reader(ReaderId::from_db(reader.id.clone())).to_string();
    match decided.kind {
        PlanChangeKind::Upgrade => {
            let from = priced(&decided.from.1);
            let to = priced(&decided.to.1);
            let period = period_of(&decided.subscription)?;
            let proration = prorate(from, to, period, now)
                .ok_or_else(|| anyhow::anyhow!("a period past the calendar's end"))?;
            provider
                .upgrade(db, &decided.subscription, &decided.to.0, &decided.to.1)
                .await?;
            let provider_name = provider.name();
            db.run(move |conn| {
                db::write_transaction(conn, |conn| {
                    apply_upgrade(conn, &decided, proration, provider_name, &actor, now)
                })
            })
            .await
        }
        PlanChangeKind::Downgrade => {
            let effective_at = decided
                .subscription
                .current_period_end
                .ok_or_else(|| not_changeable("this subscription has no paid period to end"))?;
            provider
                .schedule_downgrade(
                    db,
                    &decided.subscription,
                    (&decided.from.0, &decided.from.1),
                    &decided.to.0,
                    &decided.to.1,
                )
                .await?;
            db.run(move |conn| {
                db::write_transaction(conn, |conn| {
                    record_downgrade(conn, &decided, effective_at, &actor, now)
                })
            })
            .await
        }
    }
}

fn priced(price: &TierPrice) -> PricedPlan {
    PricedPlan {
        interval: price.interval,
        amount_cents: price.amount.get(),
    }
}

fn period_of(row: &SubscriptionRow) -> Result<(NaiveDateTime, NaiveDateTime), ApiError> {
    match (row.current_period_start, row.current_period_end) {
        (Some(start), Some(end)) if end > start => Ok((start, end)),
        _ => Err(not_changeable(
            "this subscription has no paid period to change",
        )),
    }
}

fn unknown_tier(id: &str) -> ApiError {
    ApiError::invalid_field(
        FieldError::new(
            "unknown_tier",
            format!("there is no tier {id:?}; GET /v1/plans lists them"),
        )
        .at("tier"),
    )
}

fn decide(
    conn: &mut DbConnection,
    reader: &ReaderRow,
    order: &PlanOrder,
) -> Result<Decided, ApiError> {
    let subscription = crate::billing::current_subscription(conn, &reader.reader_id(), Utc::now())?
        .ok_or_else(crate::billing::subscription_not_found)?;
    if subscription.state() != Some(SubscriptionState::Active) || subscription.provider.is_none() {
        return Err(not_changeable(
            "only an active, paid subscription can change plan (resume a cancelled one first)",
        ));
    }
    let interval = subscription
        .billing_interval()
        .ok_or_else(|| not_changeable("this subscription has no billing interval"))?;
    let current_tier = db::tiers::find(conn, &subscription.tier_id)?
        .ok_or_else(|| anyhow::anyhow!("subscription {} has no tier", subscription.id))?;
    let currency = paid_currency(conn, &subscription)?;
    let current_price = price_for(&current_tier, interval, currency.as_ref())
        .map_err(|_| not_changeable("this subscription's plan is no longer sold"))?;
    let target_id = order.tier.as_deref().unwrap_or(&subscription.tier_id);
    let target_tier = db::tiers::find(conn, target_id)?.ok_or_else(|| unknown_tier(target_id))?;
    let target_interval = order.interval.unwrap_or(interval);
    let target_price = price_for(&target_tier, target_interval, Some(&current_price.currency))
        .map_err(ApiError::invalid_field)?;
    if target_tier.needs_shipping_address && reader.shipping_address().is_none() {
        return Err(ApiError::unprocessable(
            "shipping_address_required",
            format!(
                "the {} tier mails the print edition: add a shipping address to your profile (PATCH /v1/me) first",
                target_tier.id
            ),
        ));
    }
    let kind = if target_tier.id == current_tier.id && target_interval == interval {
        None
    } else {
        // Same price on another plan still changes what is bought: wait
        // for the period end, as for a downgrade.
        Some(
            classify(priced(&current_price), priced(&target_price))
                .unwrap_or(PlanChangeKind::Downgrade),
        )
    };
    let Some(kind) = kind else {
        return Err(ApiError::conflict(
            "plan_unchanged",
            "the subscription is on this plan already",
        ));
    };
    if plan_changes::pending_for(conn, &subscription.subscription_id())?.is_some() {
        return Err(ApiError::conflict(
            "plan_change_pending",
            "a plan change is waiting for the period end; undo it first",
        ));
    }
    Ok(Decided {
        subscription,
        from: (current_tier, current_price),
        to: (target_tier, target_price),
        kind,
    })
}

/// The currency the subscription was paid in (its newest payment's).
fn paid_currency(
    conn: &mut DbConnection,
    subscription: &SubscriptionRow,
) -> Result<Option<Currency>, ApiError> {
    let payments = payments::for_subscription(conn, &subscription.subscription_id())?;
    Ok(payments
        .last()
        .and_then(|payment| Currency::parse(payment.currency.clone()).ok()))
}

fn plan<'a>(tier: &'a Tier, price: &TierPrice) -> Plan<'a> {
    Plan {
        tier: &tier.id,
        interval: price.interval,
    }
}

fn apply_upgrade(
    conn: &mut DbConnection,
    decided: &Decided,
    proration: crate::domain::Proration,
    provider: &str,
    actor: &str,
    now: NaiveDateTime,
) -> Result<PlanChangeOutcome, ApiError> {
    let subscription = decided.subscription.subscription_id();
    let period =
        (proration.period != period_of(&decided.subscription)?).then_some(proration.period);
    let moved = plan_changes::set_plan(
        conn,
        &subscription,
        SubscriptionState::Active,
        &plan(&decided.from.0, &decided.from.1),
        &plan(&decided.to.0, &decided.to.1),
        period,
        now,
    )?;
    if !moved {
        return Err(ApiError::conflict(
            "plan_change_conflict",
            "the subscription changed meanwhile; look at it again",
        ));
    }
    let id = uuid::Uuid::now_v7().to_string();
    plan_changes::insert(
        conn,
        &change(
            decided,
            &id,
            PlanChangeStatus::Applied,
            Some(proration.amount_cents),
            now,
            actor,
            now,
        ),
    )?;
    // The development provider "invoices" the proration here; Stripe's
    // invoice arrives by webhook and is recorded as every invoice is.
    if provider == crate::billing::DevProvider::NAME && proration.amount_cents > 0 {
        let payment = uuid::Uuid::now_v7().to_string();
        let provider_payment_id = format!("dev_{}", uuid::Uuid::new_v4().simple());
        payments::insert(
            conn,
            &payments::NewPayment {
                id: &payment,
                subscription_id: subscription.as_str(),
                reader_id: &decided.subscription.reader_id,
                amount_cents: proration.amount_cents,
                currency: decided.to.1.currency.as_str(),
                provider,
                provider_payment_id: &provider_payment_id,
                provider_invoice_id: None,
                paid_at: now,
                created_at: now,
            },
        )?;
    }
    outcome(conn, &subscription, &id)
}

fn record_downgrade(
    conn: &mut DbConnection,
    decided: &Decided,
    effective_at: NaiveDateTime,
    actor: &str,
    now: NaiveDateTime,
) -> Result<PlanChangeOutcome, ApiError> {
    let id = uuid::Uuid::now_v7().to_string();
    plan_changes::insert(
        conn,
        &change(
            decided,
            &id,
            PlanChangeStatus::Pending,
            None,
            effective_at,
            actor,
            now,
        ),
    )
    .map_err(|error| match error {
        diesel::result::Error::DatabaseError(
            diesel::result::DatabaseErrorKind::UniqueViolation,
            _,
        ) => ApiError::conflict(
            "plan_change_pending",
            "a plan change is waiting for the period end; undo it first",
        ),
        other => other.into(),
    })?;
    outcome(conn, &decided.subscription.subscription_id(), &id)
}

fn change<'a>(
    decided: &'a Decided,
    id: &'a str,
    status: PlanChangeStatus,
    prorated_cents: Option<i64>,
    effective_at: NaiveDateTime,
    actor: &'a str,
    now: NaiveDateTime,
) -> NewPlanChange<'a> {
    NewPlanChange {
        id,
        subscription_id: &decided.subscription.id,
        kind: decided.kind,
        from_tier_id: &decided.from.0.id,
        from_interval: decided.from.1.interval.as_str(),
        to_tier_id: &decided.to.0.id,
        to_interval: decided.to.1.interval.as_str(),
        status,
        prorated_cents,
        effective_at,
        actor,
        created_at: now,
        settled_at: (status == PlanChangeStatus::Applied).then_some(now),
    }
}

fn outcome(
    conn: &mut DbConnection,
    subscription: &crate::domain::SubscriptionId,
    change_id: &str,
) -> Result<PlanChangeOutcome, ApiError> {
    let subscription = db::subscriptions::find(conn, subscription)?;
    let change = plan_changes::for_subscription(conn, &subscription.subscription_id())?
        .into_iter()
        .find(|change| change.id == change_id)
        .ok_or_else(|| anyhow::anyhow!("plan change {change_id} vanished"))?;
    Ok(PlanChangeOutcome {
        subscription,
        change,
    })
}
