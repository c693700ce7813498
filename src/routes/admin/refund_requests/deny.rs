//! `POST /v1/admin/refund-requests/{id}/deny`: says no, with a note the
//! reader can be told; the subscription is left as it is. Denying a denied
//! request answers it again; a request whose subscription is being (or
//! was) refunded cannot be denied.

use super::RefundRequestView;
use crate::billing::deny_refund_request as deny;
use crate::db::refund_requests::RefundRequestRow;
use crate::domain::{AuditAction, Reason};
use crate::error::{ApiError, Problem};
use crate::parse_fields;
use crate::routes::extract::{Staff, SupportRole};
use crate::state::AppState;
use actix_web::{HttpResponse, post, web};
use serde::Deserialize;
use utoipa::ToSchema;

/// Why not.
#[derive(Debug, Deserialize, ToSchema)]
pub struct DenyBody {
    /// Required; up to 1000 characters.
    #[schema(required = true, value_type = String)]
    pub note: Option<String>,
}

/// Denies a refund request.
#[utoipa::path(
    tag = "admin",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The refund request id")),
    request_body = DenyBody,
    responses(
        (status = 200, description = "The request, denied", body = RefundRequestView),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid session", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not support staff (`insufficient_role`)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such request (`refund_request_not_found`)", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Approved before (`refund_request_decided`; denying a denied request answers it again), or its subscription is being refunded (`refund_in_progress`)", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "No note", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/{id}/deny")]
pub async fn deny_refund_request(
    state: web::Data<AppState>,
    staff: Staff<SupportRole>,
    id: web::Path<String>,
    body: web::Json<DenyBody>,
) -> Result<HttpResponse, ApiError> {
    let denied = deny_as(&state, &staff, id.into_inner(), body.into_inner()).await?;
    Ok(HttpResponse::Ok().json(RefundRequestView::from(&denied)))
}

/// Denies request `id` for `staff`: the one path of this endpoint and the
/// staff console.
pub async fn deny_as(
    state: &AppState,
    staff: &Staff<SupportRole>,
    id: String,
    body: DenyBody,
) -> Result<RefundRequestRow, ApiError> {
    parse_fields! {
        note = "note" => Reason::parse_required(body.note),
    }
    let (actor, audit) = (
        staff.actor(),
        staff.audit(AuditAction::RefundRequestDenied, ("refund_request", &id)),
    );
    let denied = deny(&state.db, &state.letters, id, (actor, note), audit).await?;
    state.jobs.wake();
    Ok(denied)
}
