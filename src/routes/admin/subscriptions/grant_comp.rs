//! `POST /v1/admin/readers/{id}/comp`: a complimentary subscription (a
//! contributor, a prize, an apology), granting its tier's perks until a
//! date, without payment.

use super::AdminSubscriptionView;
use crate::billing::{self, StaffChange};
use crate::db::subscriptions::SubscriptionRow;
use crate::domain::{AuditAction, FieldError, ReaderId, Reason, parse_instant};
use crate::error::{ApiError, Problem};
use crate::parse_fields;
use crate::routes::extract::{Staff, SupportRole};
use crate::state::AppState;
use actix_web::{HttpResponse, post, web};
use serde::Deserialize;
use utoipa::ToSchema;

/// What to grant, until when, and why.
#[derive(Debug, Deserialize, ToSchema)]
pub struct CompBody {
    /// The tier's id (`digital`, `print`).
    #[schema(required = true, value_type = String)]
    pub tier: Option<String>,
    /// When the comp ends, RFC 3339, in the future.
    #[schema(required = true, value_type = String)]
    pub until: Option<String>,
    /// Required; up to 1000 characters.
    #[schema(required = true, value_type = String)]
    pub reason: Option<String>,
}

fn tier(raw: Option<String>) -> Result<String, FieldError> {
    raw.filter(|t| !t.trim().is_empty())
        .map(|t| t.trim().to_owned())
        .ok_or_else(|| FieldError::new("required", "this field is required"))
}

/// Grants a comp.
#[utoipa::path(
    tag = "admin",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The reader id")),
    request_body = CompBody,
    responses(
        (status = 201, description = "The comp", body = AdminSubscriptionView),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid session", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not support staff (`insufficient_role`), or support comping an admin (`admin_account_protected`)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such reader (`reader_not_found`)", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "A live comp of this tier exists (`already_comped`), or staff comping their own account (`cannot_change_own_account`)", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Missing or unknown tier, `until` missing, malformed or past, no reason", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/{id}/comp")]
pub async fn grant_comp(
    state: web::Data<AppState>,
    staff: Staff<SupportRole>,
    id: web::Path<String>,
    body: web::Json<CompBody>,
) -> Result<HttpResponse, ApiError> {
    let comp = grant_comp_as(&state, &staff, &id, body.into_inner()).await?;
    Ok(HttpResponse::Created().json(AdminSubscriptionView::from(&comp)))
}

/// Grants `staff`'s comp to reader `id`: the one path of this endpoint and
/// the staff console (same checks, audit entry, email and invalidation).
pub async fn grant_comp_as(
    state: &AppState,
    staff: &Staff<SupportRole>,
    id: &str,
    body: CompBody,
) -> Result<SubscriptionRow, ApiError> {
    let reader = ReaderId::parse(id)
        .ok_or_else(|| ApiError::not_found("reader_not_found", "no reader has this id"))?;
    parse_fields! {
        tier = "tier" => tier(body.tier),
        until = "until" => parse_instant(body.until.as_deref()),
        reason = "reason" => Reason::parse_required(body.reason),
    }
    let change = StaffChange {
        actor: staff.actor(),
        reason: reason.as_str().to_owned(),
        audit: staff.audit(AuditAction::CompGranted, ("reader", reader.as_str())),
        scope: staff.scope(),
    };
    let comp = billing::grant_comp(&state.db, &state.letters, &reader, tier, until, change).await?;
    state.jobs.wake();
    state.cache.subscriptions_changed(&reader);
    Ok(comp)
}
