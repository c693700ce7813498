//! `POST /v1/admin/readers/{id}/sessions/revoke`: logs a reader out
//! everywhere (a stolen device, a shared password), with an audit entry.

use super::{path_reader, staff_reason};
use crate::accounts::directory::revoke_reader_sessions as revoke;
use crate::domain::AuditAction;
use crate::error::{ApiError, Problem};
use crate::parse_fields;
use crate::routes::auth::accounts;
use crate::routes::decoding::OptionalJson;
use crate::routes::extract::{Staff, SupportRole};
use crate::state::AppState;
use actix_web::{HttpResponse, post, web};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Why, if the staff member cares to say. The body may be omitted.
#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct RevokeSessionsRequest {
    /// Up to 500 characters, kept in the audit log.
    #[serde(default)]
    pub reason: Option<String>,
}

/// How many sessions ended.
#[derive(Debug, Serialize, ToSchema)]
pub struct RevokedSessions {
    /// Sessions that were live and are now revoked.
    pub revoked: usize,
}

/// Ends every session of a reader: their refresh tokens stop working at
/// once, and so do their access tokens (every request checks the session).
/// Support may not log out an admin, and no staff member their own account
/// (the same rule as disable and enable).
#[utoipa::path(
    tag = "admin",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The reader id")),
    request_body(content = RevokeSessionsRequest, description = "Optional; send no body at all to give no reason", content_type = "application/json"),
    responses(
        (status = 200, description = "The sessions ended", body = RevokedSessions),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid session", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not support staff (`insufficient_role`), or support logging out an admin (`admin_account_protected`)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such reader (`reader_not_found`)", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Staff logging out their own account (`cannot_change_own_account`; `DELETE /v1/me/sessions` is for that)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The reason is too long or has control characters", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/{id}/sessions/revoke")]
pub async fn revoke_sessions(
    state: web::Data<AppState>,
    support: Staff<SupportRole>,
    id: web::Path<String>,
    body: OptionalJson<RevokeSessionsRequest>,
) -> Result<HttpResponse, ApiError> {
    let revoked = revoke_sessions_as(&state, &support, &id, body.0.unwrap_or_default()).await?;
    Ok(HttpResponse::Ok().json(RevokedSessions { revoked }))
}

/// Ends every session of reader `id` for `support`: the one path of this
/// endpoint and the staff console; returns how many ended.
pub async fn revoke_sessions_as(
    state: &AppState,
    support: &Staff<SupportRole>,
    id: &str,
    body: RevokeSessionsRequest,
) -> Result<usize, ApiError> {
    let id = path_reader(id)?;
    parse_fields! {
        reason = "reason" => staff_reason(body.reason),
    }
    let entry = support
        .audit(AuditAction::SessionsRevoked, ("reader", id.as_str()))
        .reader(id.as_str())
        .reason(reason.as_deref());
    revoke(&accounts(state), support.scope(), entry, id).await
}
