//! `POST /v1/admin/readers/{id}/disable`: locks an account (abuse, fraud,
//! a compromised account): it cannot log in or refresh, every session
//! ends and every outstanding account token (verification, reset, email
//! change) is spent, atomically with its audit entry.
//!
//! Idempotent: disabling a disabled account answers 200 with
//! `changed: false`, keeps the first `disabled_at`, and writes no second
//! audit entry (nothing changed).

use super::{AccountStatus, path_reader, staff_reason};
use crate::accounts::directory::disable_reader as disable;
use crate::domain::{AuditAction, FieldError};
use crate::error::{ApiError, Problem};
use crate::parse_fields;
use crate::routes::admin::input::Input;
use crate::routes::auth::accounts;
use crate::routes::extract::{Staff, SupportRole};
use crate::state::AppState;
use actix_web::{HttpResponse, post, web};
use serde::Deserialize;
use utoipa::ToSchema;

/// Why the account is disabled.
#[derive(Debug, Deserialize, ToSchema)]
pub struct DisableReaderRequest {
    /// Required, 1 to 500 characters, kept in the audit log.
    #[serde(default)]
    #[schema(required = true, value_type = String, example = "chargeback fraud")]
    pub reason: Input<String>,
}

fn required_reason(reason: String) -> Result<String, FieldError> {
    staff_reason(Some(reason))?
        .ok_or_else(|| FieldError::new("required", "say why the account is disabled"))
}

/// Disables an account and ends its sessions.
#[utoipa::path(
    tag = "admin",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The reader id")),
    request_body = DisableReaderRequest,
    responses(
        (status = 200, description = "The account is disabled (`changed: false` when it already was)", body = AccountStatus),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid session", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not support staff (`insufficient_role`), or support disabling an admin (`admin_account_protected`)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such reader (`reader_not_found`)", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Staff disabling their own account (`cannot_change_own_account`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A missing, too long or invalid reason", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/{id}/disable")]
pub async fn disable_reader(
    state: web::Data<AppState>,
    support: Staff<SupportRole>,
    id: web::Path<String>,
    body: web::Json<DisableReaderRequest>,
) -> Result<HttpResponse, ApiError> {
    let status = disable_as(&state, &support, &id, body.into_inner()).await?;
    Ok(HttpResponse::Ok().json(AccountStatus::from(status)))
}

/// Disables reader `id` for `support`: the one path of this endpoint and
/// the staff console.
pub async fn disable_as(
    state: &AppState,
    support: &Staff<SupportRole>,
    id: &str,
    body: DisableReaderRequest,
) -> Result<crate::accounts::directory::AccountChange, ApiError> {
    let id = path_reader(id)?;
    parse_fields! {
        reason = "reason" => body.reason.required(required_reason),
    }
    let entry = support
        .audit(AuditAction::ReaderDisabled, ("reader", id.as_str()))
        .reader(id.as_str())
        .reason(Some(&reason));
    disable(&accounts(state), support.scope(), entry, id).await
}
