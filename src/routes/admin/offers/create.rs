//! `POST /v1/admin/offers`: create an offer. Its terms are fixed once
//! created (checkouts are quoted them, Stripe's coupon holds them): to
//! change one, archive it and create another.

use super::view::AdminOfferView;
use crate::billing::offers::{OfferInput, PlanInput, create_offer};
use crate::domain::AuditAction;
use crate::error::{ApiError, Problem};
use crate::routes::extract::{AdminRole, Staff};
use crate::state::AppState;
use actix_web::{HttpResponse, post, web};
use serde::Deserialize;
use utoipa::ToSchema;

/// The offer to create: exactly one of `percent_off`, `amount_off` (with
/// `currency`) or `trial_days`.
#[derive(Debug, Deserialize, ToSchema)]
pub struct CreateOfferRequest {
    /// 3 to 32 letters, digits, `-` or `_`; case does not matter.
    #[serde(default)]
    #[schema(required = true, example = "SPRING25")]
    pub code: Option<String>,
    /// The name readers see (up to 40 characters).
    #[serde(default)]
    #[schema(required = true, example = "Spring sale")]
    pub name: Option<String>,
    /// Percent off each discounted payment, 1 to 100.
    #[serde(default)]
    #[schema(example = 25)]
    pub percent_off: Option<i64>,
    /// Amount off each discounted payment, in minor units of `currency`.
    #[serde(default)]
    pub amount_off: Option<i64>,
    /// ISO 4217: the currency of `amount_off`.
    #[serde(default)]
    pub currency: Option<String>,
    /// Extra free days before the first payment, 1 to 730.
    #[serde(default)]
    pub trial_days: Option<i64>,
    /// How many months a discount lasts, 1 to 120; leave out for forever.
    #[serde(default)]
    #[schema(example = 3)]
    pub duration_months: Option<i64>,
    /// The tiers and intervals it covers (at least one).
    #[serde(default)]
    #[schema(required = true)]
    pub plans: Option<Vec<OfferPlanRequest>>,
    /// How many checkouts may redeem it; leave out for no limit.
    #[serde(default)]
    #[schema(example = 500)]
    pub max_redemptions: Option<i64>,
    /// RFC 3339; leave out for now.
    #[serde(default)]
    pub starts_at: Option<String>,
    /// RFC 3339, after the start and in the future; leave out for until
    /// archived.
    #[serde(default)]
    #[schema(example = "2027-04-30T00:00:00Z")]
    pub ends_at: Option<String>,
    /// Whether `GET /v1/plans` lists it (default `false`: by code or link
    /// only).
    #[serde(default)]
    pub listed: Option<bool>,
}

/// A tier and interval.
#[derive(Debug, Deserialize, ToSchema)]
pub struct OfferPlanRequest {
    /// The tier's id, e.g. `digital`.
    #[serde(default)]
    #[schema(required = true, example = "digital")]
    pub tier: Option<String>,
    /// `month` or `year`.
    #[serde(default)]
    #[schema(required = true, example = "month")]
    pub interval: Option<String>,
}

/// Creates an offer; audited as `offer_created`.
#[utoipa::path(
    tag = "admin",
    security(("bearer" = [])),
    request_body = CreateOfferRequest,
    responses(
        (status = 201, description = "The offer", body = AdminOfferView),
        (status = 401, description = "No valid session", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an admin (`insufficient_role`)", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The code names an offer already, archived ones included (`offer_code_taken`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field is invalid (`invalid_offer_code`, `invalid_name`, `one_benefit`, `out_of_range`, `non_positive_amount`, `price_not_offered`, `not_a_discount`, `ends_before_start`, `invalid_date`, `required`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("")]
pub async fn create_admin_offer(
    state: web::Data<AppState>,
    admin: Staff<AdminRole>,
    body: web::Json<CreateOfferRequest>,
) -> Result<HttpResponse, ApiError> {
    let view = create_offer_as(&state, &admin, body.into_inner()).await?;
    Ok(HttpResponse::Created().json(view))
}

/// Creates the offer `body` describes as `admin`: the one path of this
/// endpoint and the staff console's offers page (the rules, the audit
/// entry, `offer_code_taken` on a second submit).
pub async fn create_offer_as(
    state: &AppState,
    admin: &Staff<AdminRole>,
    body: CreateOfferRequest,
) -> Result<AdminOfferView, ApiError> {
    let input = OfferInput {
        code: body.code,
        name: body.name,
        percent_off: body.percent_off,
        amount_off: body.amount_off,
        currency: body.currency,
        trial_days: body.trial_days,
        duration_months: body.duration_months,
        plans: body.plans.map(|plans| {
            plans
                .into_iter()
                .map(|plan| PlanInput {
                    tier: plan.tier,
                    interval: plan.interval,
                })
                .collect()
        }),
        max_redemptions: body.max_redemptions,
        starts_at: body.starts_at,
        ends_at: body.ends_at,
        listed: body.listed,
    };
    let audit = admin.audit(AuditAction::OfferCreated, ("offer", ""));
    let offer = create_offer(&state.db, input, audit).await?;
    Ok(AdminOfferView::of(&offer, &state.settings.public_url()))
}
