//! `POST /v1/admin/offers/{code}/archive`: stop an offer. No checkout can
//! redeem it from then on; it leaves `GET /v1/plans`; its code stays
//! taken. Archiving twice answers as the first did.

use super::view::AdminOfferView;
use crate::billing::offers::{archive_offer, offer_not_found};
use crate::domain::{AuditAction, OfferCode};
use crate::error::{ApiError, Problem};
use crate::routes::extract::{AdminRole, Staff};
use crate::state::AppState;
use actix_web::{HttpResponse, post, web};

/// Archives an offer; audited as `offer_archived`.
#[utoipa::path(
    tag = "admin",
    security(("bearer" = [])),
    params(("code" = String, Path, description = "The offer's code, in any case")),
    responses(
        (status = 200, description = "The offer, archived", body = AdminOfferView),
        (status = 401, description = "No valid session", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an admin (`insufficient_role`)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such offer (`offer_not_found`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/{code}/archive")]
pub async fn archive_admin_offer(
    state: web::Data<AppState>,
    admin: Staff<AdminRole>,
    code: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let code = OfferCode::parse(&code).map_err(|_| offer_not_found())?;
    let audit = admin.audit(AuditAction::OfferArchived, ("offer", code.as_str()));
    let offer = archive_offer(&state.db, code, audit).await?;
    Ok(HttpResponse::Ok().json(AdminOfferView::of(&offer, &state.settings.public_url())))
}
