//! `POST /v1/admin/readers/{id}/second-factor/reset`: an admin removes a
//! staff member's second factor (a lost phone), ending their sessions, with
//! an audit entry. They log in with their password and enrol again.

use super::{path_reader, staff_reason};
use crate::accounts::directory::reset_second_factor as reset;
use crate::domain::AuditAction;
use crate::error::{ApiError, Problem};
use crate::parse_fields;
use crate::routes::admin::readers::revoke_sessions::{RevokeSessionsRequest, RevokedSessions};
use crate::routes::auth::accounts;
use crate::routes::decoding::OptionalJson;
use crate::routes::extract::{AdminRole, Staff};
use crate::state::AppState;
use actix_web::{HttpResponse, post, web};

/// Resets a staff member's second factor; answers how many sessions ended.
#[utoipa::path(
    tag = "admin",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The staff member's reader id")),
    request_body(content = RevokeSessionsRequest, description = "Optional reason; send no body at all to give none", content_type = "application/json"),
    responses(
        (status = 200, description = "Reset: the factor is gone and the member's sessions ended", body = RevokedSessions),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid session", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an admin (`insufficient_role`)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such reader (`reader_not_found`) or no second factor (`second_factor_not_enrolled`)", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "An admin resetting their own (`cannot_change_own_account`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The reason is too long or has control characters", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/{id}/second-factor/reset")]
pub async fn reset_second_factor(
    state: web::Data<AppState>,
    admin: Staff<AdminRole>,
    id: web::Path<String>,
    body: OptionalJson<RevokeSessionsRequest>,
) -> Result<HttpResponse, ApiError> {
    let id = path_reader(&id)?;
    let body = body.0.unwrap_or_default();
    parse_fields! {
        reason = "reason" => staff_reason(body.reason),
    }
    let entry = admin
        .audit(AuditAction::SecondFactorReset, ("reader", id.as_str()))
        .reader(id.as_str())
        .reason(reason.as_deref());
    let revoked = reset(&accounts(&state), admin.scope(), entry, id).await?;
    Ok(HttpResponse::Ok().json(RevokedSessions { revoked }))
}
