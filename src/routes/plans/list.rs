//! `GET /v1/plans`: the tiers a reader can subscribe to, for the subscribe
//! page.

use crate::billing::offers::listed_offers;
use crate::db::offers::Offer;
use crate::db::{self, tiers::Tier};
use crate::domain::{AmountCents, BillingInterval, Currency, Perk, PerkStatus};
use crate::error::{ApiError, Problem};
use crate::routes::offers::view::OfferTermsView;
use crate::state::AppState;
use actix_web::{HttpResponse, get, web};
use serde::Serialize;
use utoipa::ToSchema;

/// Every tier on offer, in the order the subscribe page shows them.
#[derive(Debug, Serialize, ToSchema)]
pub struct PlanList {
    /// The tiers, by position.
    pub tiers: Vec<PlanView>,
}

/// One tier as readers see it.
#[derive(Debug, Serialize, ToSchema)]
pub struct PlanView {
    /// The tier's stable id, e.g. `digital`; checkout takes it.
    pub id: String,
    /// The tier's name.
    pub name: String,
    /// What the tier includes.
    pub description: String,
    /// Whether subscribing needs a shipping address (print edition).
    pub needs_shipping_address: bool,
    /// The perks; `coming_soon` ones are announced, not yet delivered.
    pub perks: Vec<PerkView>,
    /// The prices, monthly before yearly.
    pub prices: Vec<PriceView>,
    /// The listed offers a reader can redeem on this tier now (checkout
    /// takes their `code` as `offer_code`).
    pub offers: Vec<OfferTermsView>,
}

/// A perk of a tier and whether it is delivered yet.
#[derive(Debug, Serialize, ToSchema)]
pub struct PerkView {
    /// The perk.
    pub name: Perk,
    /// `live` or `coming_soon`.
    pub status: PerkStatus,
}

/// One price of a tier.
#[derive(Debug, Serialize, ToSchema)]
pub struct PriceView {
    /// How often it recurs: `month` or `year`.
    pub interval: BillingInterval,
    /// The amount in minor units (cents).
    pub amount_cents: AmountCents,
    /// The ISO 4217 currency, lower case.
    pub currency: Currency,
    /// Free days before the first payment for a new subscriber (0: none;
    /// one trial per reader).
    pub trial_days: u32,
}

impl PlanView {
    /// The view of `tier`, with those of `offers` that cover it.
    fn of(tier: Tier, offers: &[Offer]) -> Self {
        Self {
            offers: offers
                .iter()
                .filter(|offer| offer.plans.iter().any(|(t, _)| *t == tier.id))
                .map(OfferTermsView::of)
                .collect(),
            perks: tier
                .perks
                .into_iter()
                .map(|(name, status)| PerkView { name, status })
                .collect(),
            prices: tier
                .prices
                .into_iter()
                .map(|price| PriceView {
                    interval: price.interval,
                    amount_cents: price.amount,
                    currency: price.currency,
                    trial_days: price.trial_days,
                })
                .collect(),
            id: tier.id,
            name: tier.name,
            description: tier.description,
            needs_shipping_address: tier.needs_shipping_address,
        }
    }
}

/// Lists the tiers with their perks, prices (with their free trials) and
/// listed offers; no login needed.
#[utoipa::path(
    tag = "plans",
    responses(
        (status = 200, description = "The tiers on offer", body = PlanList),
        (status = 503, description = "The database is unavailable", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/v1/plans")]
pub async fn list_plans(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let tiers = state.db.run(|conn| Ok(db::tiers::all(conn)?)).await?;
    let offers = listed_offers(&state.db).await?;
    Ok(HttpResponse::Ok().json(PlanList {
        tiers: tiers
            .into_iter()
            .map(|tier| PlanView::of(tier, &offers))
            .collect(),
    }))
}
