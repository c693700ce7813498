//! An offer's terms as every answer shows them: the admin list, the
//! public link and the offers `GET /v1/plans` lists.

use crate::db::offers::Offer;
use crate::domain::{BillingInterval, rfc3339_seconds_naive};
use serde::Serialize;
use utoipa::ToSchema;

/// What an offer gives, on which plans, until when.
#[derive(Debug, Serialize, ToSchema)]
pub struct OfferTermsView {
    /// The code readers type or the link carries (upper case; codes
    /// ignore case).
    #[schema(example = "SPRING25")]
    pub code: String,
    /// The name readers see.
    #[schema(example = "Spring sale")]
    pub name: String,
    /// Percent off each discounted payment, or `null`.
    pub percent_off: Option<i32>,
    /// Amount off each discounted payment, in minor units of `currency`,
    /// or `null`.
    pub amount_off: Option<i64>,
    /// The currency of `amount_off` (the offer applies only to prices in
    /// it), or `null`.
    pub currency: Option<String>,
    /// Extra free days before the first payment (0 for a discount).
    pub trial_days: i32,
    /// How many months a discount lasts; `null`: forever (or no discount).
    pub duration_months: Option<i32>,
    /// The tiers and intervals it covers.
    pub plans: Vec<OfferPlanView>,
    /// Until when it may be redeemed (RFC 3339), or `null`.
    pub ends_at: Option<String>,
}

/// One tier and interval an offer covers.
#[derive(Debug, Serialize, ToSchema)]
pub struct OfferPlanView {
    /// The tier's id.
    pub tier: String,
    /// `month` or `year`.
    pub interval: BillingInterval,
}

impl OfferTermsView {
    /// The terms of `offer`.
    pub fn of(offer: &Offer) -> Self {
        let row = &offer.row;
        Self {
            code: row.code.clone(),
            name: row.name.clone(),
            percent_off: row.percent_off,
            amount_off: row.amount_off_cents,
            currency: row.currency.clone(),
            trial_days: row.trial_days,
            duration_months: row.duration_months,
            plans: offer
                .plans
                .iter()
                .map(|(tier, interval)| OfferPlanView {
                    tier: tier.clone(),
                    interval: *interval,
                })
                .collect(),
            ends_at: row.ends_at.map(rfc3339_seconds_naive),
        }
    }
}
