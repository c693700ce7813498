//! What `/v1/admin/tiers/{tier}/prices` answers: a tier's prices in effect
//! and scheduled.

use crate::billing::price_changes::TierPrices;
use crate::db::price_changes::PriceChangeRow;
use crate::domain::{AmountCents, BillingInterval, Currency, rfc3339_seconds_naive};
use serde::Serialize;
use utoipa::ToSchema;

/// A tier's prices now and scheduled.
#[derive(Debug, Serialize, ToSchema)]
pub struct TierPricesView {
    /// The tier's id.
    pub tier: String,
    /// What new subscribers pay now, monthly before yearly.
    pub current: Vec<CurrentPriceView>,
    /// Every scheduled price, by date (those already effective included).
    pub scheduled: Vec<ScheduledPriceView>,
}

/// A price in effect.
#[derive(Debug, Serialize, ToSchema)]
pub struct CurrentPriceView {
    /// `month` or `year`.
    pub interval: BillingInterval,
    /// Minor units.
    pub amount_cents: AmountCents,
    /// ISO 4217, lower case.
    pub currency: Currency,
    /// The scheduled price this is, once one took effect; `null` for the
    /// tier's own price.
    pub price_change_id: Option<String>,
    /// Free days before a new subscriber's first payment (0: none).
    pub trial_days: u32,
}

/// A scheduled price.
#[derive(Debug, Serialize, ToSchema)]
pub struct ScheduledPriceView {
    /// Its id (to withdraw it).
    pub id: String,
    /// `month` or `year`.
    #[schema(value_type = String, example = "month")]
    pub interval: String,
    /// Minor units.
    pub amount_cents: i64,
    /// ISO 4217, lower case.
    #[schema(example = "usd")]
    pub currency: String,
    /// When new subscribers start paying it; existing ones at their first
    /// renewal after it.
    #[schema(example = "2027-03-01T00:00:00Z")]
    pub effective_at: String,
    /// Whether its date has passed.
    pub in_effect: bool,
}

impl ScheduledPriceView {
    /// The view of `row` at `now`.
    pub fn of(row: PriceChangeRow, now: chrono::NaiveDateTime) -> Self {
        Self {
            in_effect: row.effective_at <= now,
            effective_at: rfc3339_seconds_naive(row.effective_at),
            id: row.id,
            interval: row.billing_interval,
            amount_cents: row.amount_cents,
            currency: row.currency,
        }
    }
}

impl TierPricesView {
    /// The view of `prices` of `tier`.
    pub fn of(tier: String, prices: TierPrices) -> Self {
        let now = chrono::Utc::now().naive_utc();
        Self {
            tier,
            current: prices
                .current
                .into_iter()
                .map(|price| CurrentPriceView {
                    interval: price.interval,
                    amount_cents: price.amount,
                    currency: price.currency,
                    price_change_id: price.scheduled,
                    trial_days: price.trial_days,
                })
                .collect(),
            scheduled: prices
                .scheduled
                .into_iter()
                .map(|row| ScheduledPriceView::of(row, now))
                .collect(),
        }
    }
}
