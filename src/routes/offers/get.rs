//! `GET /v1/offers/{code}`: an offer's public link. A landing page reads
//! what the offer gives and what each covered plan then costs, and sends
//! the reader to checkout with `offer_code`.

use super::view::OfferTermsView;
use crate::billing::offers::{PublicOffer, offer_not_found, public_offer};
use crate::domain::{Benefit, BillingInterval, OfferCode, discounted_payments};
use crate::error::{ApiError, Problem};
use crate::state::AppState;
use actix_web::{HttpResponse, get, web};
use serde::Serialize;
use utoipa::ToSchema;

/// An offer as its link shows it.
#[derive(Debug, Serialize, ToSchema)]
pub struct PublicOfferView {
    /// The offer's terms.
    #[serde(flatten)]
    pub terms: OfferTermsView,
    /// Whether a checkout may redeem it now.
    pub available: bool,
    /// `active`, or why not: `ended`, `archived`, `exhausted`.
    #[schema(example = "active")]
    pub status: &'static str,
    /// What each covered plan costs with the offer.
    pub prices: Vec<OfferPriceView>,
}

/// A covered plan's price with the offer.
#[derive(Debug, Serialize, ToSchema)]
pub struct OfferPriceView {
    /// The tier's id.
    pub tier: String,
    /// `month` or `year`.
    pub interval: BillingInterval,
    /// ISO 4217, lower case.
    pub currency: String,
    /// The price without the offer, in minor units.
    pub amount_cents: i64,
    /// Each discounted payment, in minor units (the full price for an
    /// offer of free days).
    pub discounted_cents: i64,
    /// How many payments are discounted; `null`: every one.
    pub discounted_payments: Option<u32>,
    /// Free days before the first payment: the price's own and the
    /// offer's (a reader who had their trial gets the offer's alone, or
    /// none).
    pub trial_days: u32,
}

fn prices(public: &PublicOffer) -> Vec<OfferPriceView> {
    let Some(benefit) = public.offer.row.benefit() else {
        return Vec::new();
    };
    let months = public.offer.row.duration_months();
    let mut prices = Vec::new();
    for tier in &public.tiers {
        for price in &tier.prices {
            if !public.offer.covers(&tier.id, price.interval)
                || !benefit.applies_in(&price.currency)
            {
                continue;
            }
            let off = benefit.discount_cents(price.amount);
            prices.push(OfferPriceView {
                tier: tier.id.clone(),
                interval: price.interval,
                currency: price.currency.as_str().to_owned(),
                amount_cents: price.amount.get(),
                discounted_cents: price.amount.get() - off,
                discounted_payments: match benefit {
                    Benefit::TrialDays(_) => None,
                    _ => discounted_payments(months, price.interval),
                },
                trial_days: price.trial_days + benefit.trial_days(),
            });
        }
    }
    prices
}

/// Reads an offer by its code; no login needed.
#[utoipa::path(
    tag = "plans",
    params(("code" = String, Path, description = "The offer's code, in any case, e.g. `spring25`")),
    responses(
        (status = 200, description = "The offer, its terms and what each covered plan costs with it (an ended, archived or exhausted offer says so in `available` and `status`)", body = PublicOfferView),
        (status = 404, description = "No such offer, or one not yet begun (`offer_not_found`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/v1/offers/{code}")]
pub async fn get_offer(
    state: web::Data<AppState>,
    code: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let code = OfferCode::parse(&code).map_err(|_| offer_not_found())?;
    let public = public_offer(&state.db, code).await?;
    Ok(HttpResponse::Ok().json(PublicOfferView {
        terms: OfferTermsView::of(&public.offer),
        available: public.available,
        status: public.status,
        prices: prices(&public),
    }))
}
