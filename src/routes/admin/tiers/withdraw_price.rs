//! `DELETE /v1/admin/tiers/{tier}/prices/{id}`: withdraw a scheduled price
//! before its date.

use crate::billing::price_changes::withdraw_price;
use crate::domain::AuditAction;
use crate::error::{ApiError, Problem};
use crate::routes::extract::{AdminRole, Staff};
use crate::state::AppState;
use actix_web::{HttpResponse, delete, web};

/// Withdraws a scheduled price not yet effective; audited as
/// `price_change_withdrawn`.
#[utoipa::path(
    tag = "admin",
    security(("bearer" = [])),
    params(
        ("tier" = String, Path, description = "The tier's id, e.g. `digital`"),
        ("id" = String, Path, description = "The scheduled price's id"),
    ),
    responses(
        (status = 204, description = "Withdrawn"),
        (status = 401, description = "No valid session", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an admin (`insufficient_role`)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "The tier has no such scheduled price (`price_change_not_found`)", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Its date has passed (`price_change_in_effect`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/{tier}/prices/{id}")]
pub async fn withdraw_tier_price(
    state: web::Data<AppState>,
    admin: Staff<AdminRole>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (tier, id) = path.into_inner();
    withdraw_price_as(&state, &admin, tier, id).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Withdraws `tier`'s scheduled price `id` as `admin`: the one path of
/// this endpoint and the staff console's tiers page.
pub async fn withdraw_price_as(
    state: &AppState,
    admin: &Staff<AdminRole>,
    tier: String,
    id: String,
) -> Result<(), ApiError> {
    let audit = admin.audit(AuditAction::PriceChangeWithdrawn, ("price_change", &id));
    withdraw_price(&state.db, tier, id, audit).await
}
