//! `GET /v1/admin/tiers/{tier}/prices`: a tier's prices in effect and
//! scheduled.

use super::prices::TierPricesView;
use crate::billing::price_changes::list_prices;
use crate::error::{ApiError, Problem};
use crate::routes::extract::{AdminRole, Staff};
use crate::state::AppState;
use actix_web::{HttpResponse, get, web};

/// Lists a tier's prices now and scheduled.
#[utoipa::path(
    tag = "admin",
    security(("bearer" = [])),
    params(("tier" = String, Path, description = "The tier's id, e.g. `digital`")),
    responses(
        (status = 200, description = "The tier's prices", body = TierPricesView),
        (status = 401, description = "No valid session", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an admin (`insufficient_role`)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such tier (`tier_not_found`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/{tier}/prices")]
pub async fn list_tier_prices(
    state: web::Data<AppState>,
    _admin: Staff<AdminRole>,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let view = tier_prices_view(&state, path.into_inner()).await?;
    Ok(HttpResponse::Ok().json(view))
}

/// `tier`'s prices as this endpoint answers them; the staff console's
/// tiers page shows the same.
pub async fn tier_prices_view(state: &AppState, tier: String) -> Result<TierPricesView, ApiError> {
    let prices = list_prices(&state.db, tier.clone()).await?;
    Ok(TierPricesView::of(tier, prices))
}
