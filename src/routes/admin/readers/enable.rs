//! `POST /v1/admin/readers/{id}/enable`: lets a disabled account log in
//! again (its old sessions stay ended). Idempotent: enabling an enabled
//! account answers 200 with `changed: false` and writes no audit entry.

use super::{AccountStatus, path_reader, staff_reason};
use crate::accounts::directory::enable_reader as enable;
use crate::domain::AuditAction;
use crate::error::{ApiError, Problem};
use crate::parse_fields;
use crate::routes::auth::accounts;
use crate::routes::decoding::OptionalJson;
use crate::routes::extract::{Staff, SupportRole};
use crate::state::AppState;
use actix_web::{HttpResponse, post, web};
use serde::Deserialize;
use utoipa::ToSchema;

/// Why, if the staff member cares to say. The body may be omitted.
#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct EnableReaderRequest {
    /// Up to 500 characters, kept in the audit log.
    #[serde(default)]
    pub reason: Option<String>,
}

/// Enables a disabled account.
#[utoipa::path(
    tag = "admin",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The reader id")),
    request_body(content = EnableReaderRequest, description = "Optional; send no body at all to give no reason", content_type = "application/json"),
    responses(
        (status = 200, description = "The account is enabled (`changed: false` when it already was)", body = AccountStatus),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid session", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not support staff (`insufficient_role`), or support enabling an admin (`admin_account_protected`)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such reader (`reader_not_found`)", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Staff enabling their own account (`cannot_change_own_account`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The reason is too long or has control characters", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/{id}/enable")]
pub async fn enable_reader(
    state: web::Data<AppState>,
    support: Staff<SupportRole>,
    id: web::Path<String>,
    body: OptionalJson<EnableReaderRequest>,
) -> Result<HttpResponse, ApiError> {
    let status = enable_as(&state, &support, &id, body.0.unwrap_or_default()).await?;
    Ok(HttpResponse::Ok().json(AccountStatus::from(status)))
}

/// Enables reader `id` for `support`: the one path of this endpoint and
/// the staff console.
pub async fn enable_as(
    state: &AppState,
    support: &Staff<SupportRole>,
    id: &str,
    body: EnableReaderRequest,
) -> Result<crate::accounts::directory::AccountChange, ApiError> {
    let id = path_reader(id)?;
    parse_fields! {
        reason = "reason" => staff_reason(body.reason),
    }
    let entry = support
        .audit(AuditAction::ReaderEnabled, ("reader", id.as_str()))
        .reader(id.as_str())
        .reason(reason.as_deref());
    enable(&accounts(state), support.scope(), entry, id).await
}
