//! `POST /v1/admin/tiers/{tier}/prices`: schedule a new price. New
//! subscribers pay it from its date; existing ones from their first
//! renewal after it, each told `MASTHEAD_PRICE_CHANGE_NOTICE_DAYS` before.

use super::prices::ScheduledPriceView;
use crate::billing::price_changes::{PriceInput, schedule_price};
use crate::domain::AuditAction;
use crate::error::{ApiError, Problem};
use crate::routes::extract::{AdminRole, Staff};
use crate::state::AppState;
use actix_web::{HttpResponse, post, web};
use serde::Deserialize;
use utoipa::ToSchema;

/// The price to schedule.
#[derive(Debug, Deserialize, ToSchema)]
pub struct SchedulePriceRequest {
    /// `month` or `year`.
    #[serde(default)]
    #[schema(required = true, example = "month")]
    pub interval: Option<String>,
    /// ISO 4217; one the tier already has a price in for the interval.
    #[serde(default)]
    #[schema(required = true, example = "usd")]
    pub currency: Option<String>,
    /// The amount in minor units, above zero.
    #[serde(default)]
    #[schema(required = true, example = 1200)]
    pub amount: Option<i64>,
    /// RFC 3339; at least the notice days ahead.
    #[serde(default)]
    #[schema(required = true, example = "2027-03-01T00:00:00Z")]
    pub effective_at: Option<String>,
}

/// Schedules a new price for a tier; audited as `price_change_scheduled`.
#[utoipa::path(
    tag = "admin",
    security(("bearer" = [])),
    params(("tier" = String, Path, description = "The tier's id, e.g. `digital`")),
    request_body = SchedulePriceRequest,
    responses(
        (status = 201, description = "The scheduled price", body = ScheduledPriceView),
        (status = 401, description = "No valid session", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an admin (`insufficient_role`)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such tier (`tier_not_found`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field is invalid (`invalid_interval`, `invalid_currency`, `unknown_currency`, `non_positive_amount`, `amount_too_large`, `too_soon`, `invalid_date`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/{tier}/prices")]
pub async fn schedule_tier_price(
    state: web::Data<AppState>,
    admin: Staff<AdminRole>,
    path: web::Path<String>,
    body: web::Json<SchedulePriceRequest>,
) -> Result<HttpResponse, ApiError> {
    let view = schedule_price_as(&state, &admin, path.into_inner(), body.into_inner()).await?;
    Ok(HttpResponse::Created().json(view))
}

/// Schedules `body` for `tier` as `admin`: the one path of this endpoint
/// and the staff console's tiers page (the notice rule, the audit entry).
pub async fn schedule_price_as(
    state: &AppState,
    admin: &Staff<AdminRole>,
    tier: String,
    body: SchedulePriceRequest,
) -> Result<ScheduledPriceView, ApiError> {
    let input = PriceInput {
        interval: body.interval,
        currency: body.currency,
        amount: body.amount,
        effective_at: body.effective_at,
    };
    let audit = admin.audit(AuditAction::PriceChangeScheduled, ("price_change", ""));
    let notice_days = state.settings.price_change_notice_days;
    let row = schedule_price(&state.db, tier, input, notice_days, audit).await?;
    Ok(ScheduledPriceView::of(row, chrono::Utc::now().naive_utc()))
}
