//! `GET /v1/admin/offers`: every offer with its redemption count.

use super::view::{AdminOfferList, AdminOfferView};
use crate::billing::offers::list_offers;
use crate::error::{ApiError, Problem};
use crate::routes::extract::{AdminRole, Staff};
use crate::state::AppState;
use actix_web::{HttpResponse, get, web};

/// Lists every offer, newest first.
#[utoipa::path(
    tag = "admin",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Every offer, archived ones included, with its redemption count", body = AdminOfferList),
        (status = 401, description = "No valid session", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an admin (`insufficient_role`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("")]
pub async fn list_admin_offers(
    state: web::Data<AppState>,
    _admin: Staff<AdminRole>,
) -> Result<HttpResponse, ApiError> {
    let offers = list_offers(&state.db).await?;
    let public_url = state.settings.public_url();
    Ok(HttpResponse::Ok().json(AdminOfferList {
        offers: offers
            .iter()
            .map(|offer| AdminOfferView::of(offer, &public_url))
            .collect(),
    }))
}
