//! `PATCH /v1/admin/tiers/{tier}/trial`: set the free trial of one of a
//! tier's prices. New checkouts of it start `trialing` for the days (one
//! trial per reader); 0 ends the trial for new checkouts.

use super::prices::TierPricesView;
use crate::billing::price_changes::{TrialInput, set_trial_days};
use crate::domain::AuditAction;
use crate::error::{ApiError, Problem};
use crate::routes::extract::{AdminRole, Staff};
use crate::state::AppState;
use actix_web::{HttpResponse, patch, web};
use serde::Deserialize;
use utoipa::ToSchema;

/// The trial to set.
#[derive(Debug, Deserialize, ToSchema)]
pub struct TierTrialRequest {
    /// `month` or `year`.
    #[serde(default)]
    #[schema(required = true, example = "month")]
    pub interval: Option<String>,
    /// ISO 4217; needed only when the tier sells the interval in several.
    #[serde(default)]
    pub currency: Option<String>,
    /// Free days before the first payment, 0 (none) to 730.
    #[serde(default)]
    #[schema(required = true, example = 14)]
    pub trial_days: Option<i64>,
}

/// Sets a price's free trial; audited as `trial_days_changed`.
#[utoipa::path(
    tag = "admin",
    security(("bearer" = [])),
    params(("tier" = String, Path, description = "The tier's id, e.g. `digital`")),
    request_body = TierTrialRequest,
    responses(
        (status = 200, description = "The tier's prices, with their trials", body = TierPricesView),
        (status = 401, description = "No valid session", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an admin (`insufficient_role`)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such tier (`tier_not_found`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field is invalid (`invalid_interval`, `invalid_currency`, `out_of_range`, `price_not_offered`, `required`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/{tier}/trial")]
pub async fn set_tier_trial(
    state: web::Data<AppState>,
    admin: Staff<AdminRole>,
    path: web::Path<String>,
    body: web::Json<TierTrialRequest>,
) -> Result<HttpResponse, ApiError> {
    let view = set_trial_as(&state, &admin, path.into_inner(), body.into_inner()).await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Sets the trial `body` names on `tier` as `admin`: the one path of this
/// endpoint and the staff console's tiers page.
pub async fn set_trial_as(
    state: &AppState,
    admin: &Staff<AdminRole>,
    tier: String,
    body: TierTrialRequest,
) -> Result<TierPricesView, ApiError> {
    let input = TrialInput {
        interval: body.interval,
        currency: body.currency,
        trial_days: body.trial_days,
    };
    let audit = admin.audit(AuditAction::TrialDaysChanged, ("tier_price", ""));
    let prices = set_trial_days(&state.db, tier.clone(), input, audit).await?;
    Ok(TierPricesView::of(tier, prices))
}
