//! `POST /v1/admin/refund-requests/{id}/deny`: says no, with a note the
//! reader can be told; the subscription is left as it is. Denying a denied
//! request answers it again; a request whose subscription is being (or
//! was) refunded cannot be denied.

use super::{RefundRequestView, already_decided, request_not_found};
use crate::db::{self, audit_log, readers, refund_actions, refund_requests};
use crate::domain::{AuditAction, ReaderId, Reason};
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
    parse_fields! {
        note = "note" => Reason::parse_required(body.into_inner().note),
    }
    let id = id.into_inner();
    let (actor, audit) = (
        staff.actor(),
        staff.audit(AuditAction::RefundRequestDenied, ("refund_request", &id)),
    );
    let denied = state
        .db
        .run(move |conn| {
            let now = chrono::Utc::now().naive_utc();
            db::write_transaction(conn, |conn| {
                let request = refund_requests::find(conn, &id)?.ok_or_else(request_not_found)?;
                match request.status.as_str() {
                    // Denying again replays the decision.
                    "denied" => return Ok(Some(request)),
                    "pending" => {}
                    other => return Err(already_decided(other)),
                }
                // Serialised with the refund of the same subscription (which
                // locks the reader too): a refund under way or done wins.
                readers::lock(conn, &ReaderId::from_db(request.reader_id.clone()))?;
                if let Some(claim) = refund_actions::find(conn, &request.subscription_id)?
                    && claim.status != "failed"
                {
                    return Err(ApiError::conflict(
                        "refund_in_progress",
                        "this subscription is being refunded (or was); the request cannot be denied",
                    ));
                }
                if !refund_requests::decide(conn, &id, "denied", &actor, Some(note.as_str()), now)?
                {
                    return Err(already_decided("decided"));
                }
                let entry = audit
                    .reader(&request.reader_id)
                    .reason(Some(note.as_str()))
                    .details(&serde_json::json!({"subscription": request.subscription_id}))
                    .at(now);
                audit_log::record(conn, &entry)?;
                Ok(refund_requests::find(conn, &id)?)
            })
        })
        .await?
        .ok_or_else(|| anyhow::anyhow!("a decided refund request vanished"))?;
    Ok(HttpResponse::Ok().json(RefundRequestView::from(&denied)))
}
