//! `POST /v1/admin/readers/{id}/disable`: locks an account (abuse, fraud,
//! a compromised account): it cannot log in or refresh, every session
//! ends and every outstanding account token (verification, reset, email
//! change) is spent, in one transaction with its audit entry.
//!
//! Idempotent: disabling a disabled account answers 200 with
//! `changed: false`, keeps the first `disabled_at`, and writes no second
//! audit entry (nothing changed).

use super::{AccountStatus, may_change_account, path_reader, reader_not_found, staff_reason};
use crate::db;
use crate::domain::AuditAction;
use crate::domain::FieldError;
use crate::error::{ApiError, Problem};
use crate::parse_fields;
use crate::routes::admin::input::Input;
use crate::routes::extract::{Staff, SupportRole};
use crate::state::AppState;
use actix_web::{HttpResponse, post, web};
use diesel::OptionalExtension;
use serde::Deserialize;
use serde_json::json;
use utoipa::ToSchema;

/// Why the account is disabled.
#[derive(Debug, Deserialize, ToSchema)]
pub struct DisableReaderRequest {
    /// Required, 1 to 500 characters, kept in the audit log.
    #[serde(default)]
    #[schema(required = true, value_type = String, example = "chargeback fraud")]
    pub reason: Input<String>,
}

/// Why the sessions of a disabled account ended, as stored.
const REVOKED_BY_DISABLE: &str = "account_disabled";

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
    let id = path_reader(&id)?;
    parse_fields! {
        reason = "reason" => body.into_inner().reason.required(required_reason),
    }
    let entry = support
        .audit(AuditAction::ReaderDisabled, ("reader", id.as_str()))
        .reader(id.as_str())
        .reason(Some(&reason));
    let status = state
        .db
        .run(move |conn| {
            db::write_transaction(conn, |conn| {
                let target = db::readers::find(conn, &id)
                    .optional()?
                    .ok_or_else(reader_not_found)?;
                may_change_account(&support, &target)?;
                let now = chrono::Utc::now().naive_utc();
                if !db::reader_directory::disable(conn, &id, now)? {
                    return Ok(AccountStatus::new(target.id, target.disabled_at, false, 0));
                }
                let revoked =
                    db::sessions::revoke_all_except(conn, &id, None, REVOKED_BY_DISABLE, now)?;
                // No link sent before may change the account once enabled
                // again (a parked email change, a reset).
                crate::auth::end_outstanding_tokens(conn, &id, now)?;
                let entry = entry.details(&json!({ "sessions": revoked })).at(now);
                db::audit_log::record(conn, &entry)?;
                // Read back: PostgreSQL keeps microseconds, so `now` itself
                // would not match what later answers show.
                let disabled_at = db::readers::find(conn, &id)?.disabled_at;
                Ok(AccountStatus::new(target.id, disabled_at, true, revoked))
            })
        })
        .await?;
    state.cache.sessions_changed();
    Ok(HttpResponse::Ok().json(status))
}
