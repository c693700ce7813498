//! `POST /v1/admin/refund-requests/{id}/approve`: refunds the request's
//! subscription (the same rules, idempotency and audit as a direct
//! refund) and marks the request approved in the same transaction.

use crate::billing::{self, RefundOutcome};
use crate::domain::{Reason, SubscriptionId};
use crate::error::{ApiError, Problem};
use crate::parse_fields;
use crate::routes::admin::subscriptions::refund::{RefundResultView, staff_refund};
use crate::routes::decoding::OptionalJson;
use crate::routes::extract::idempotency_key;
use crate::routes::extract::{Staff, SupportRole};
use crate::state::AppState;
use actix_web::{HttpRequest, HttpResponse, post, web};
use serde::Deserialize;
use utoipa::ToSchema;

/// An optional note (the reader's reason is used otherwise) and, for an
/// admin after the guarantee, the override.
#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct ApproveBody {
    /// Up to 1000 characters.
    pub note: Option<String>,
    /// An admin's explicit choice to refund after the guarantee ended.
    #[serde(default, rename = "override")]
    pub override_window: bool,
}

/// Approves a refund request: refunds and ends the subscription. Approving
/// an approved request (or one closed because its subscription was
/// refunded another way) answers with the refund's result again.
#[utoipa::path(
    tag = "admin",
    security(("bearer" = [])),
    params(
        ("id" = String, Path, description = "The refund request id"),
        ("Idempotency-Key" = Option<String>, Header, description = "Repeats the first result for a retried request"),
    ),
    request_body(content = ApproveBody, description = "Optional", content_type = "application/json"),
    responses(
        (status = 200, description = "Refunded", body = RefundResultView),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid session", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not support staff, or past the guarantee (`guarantee_window_passed`)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such request (`refund_request_not_found`)", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Denied before (`refund_request_decided`), a refund in flight, or not refundable", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Note too long, `override_required`, or a bad Idempotency-Key", body = Problem, content_type = "application/problem+json"),
        (status = 502, description = "The payment provider refused; nothing changed", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "The payment provider is unavailable; nothing changed", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/{id}/approve")]
pub async fn approve_refund_request(
    state: web::Data<AppState>,
    staff: Staff<SupportRole>,
    id: web::Path<String>,
    req: HttpRequest,
    body: OptionalJson<ApproveBody>,
) -> Result<HttpResponse, ApiError> {
    let outcome = approve_as(
        &state,
        &staff,
        id.into_inner(),
        body.0.unwrap_or_default(),
        idempotency_key(&req),
    )
    .await?;
    Ok(HttpResponse::Ok().json(RefundResultView::from(&outcome)))
}

/// Approves request `id` for `staff` with `key` (the Idempotency-Key, as
/// parsed): the one path of this endpoint and the staff console.
pub async fn approve_as(
    state: &AppState,
    staff: &Staff<SupportRole>,
    id: String,
    body: ApproveBody,
    key: Result<Option<String>, crate::domain::FieldError>,
) -> Result<RefundOutcome, ApiError> {
    parse_fields! {
        note = "note" => Reason::parse_optional(body.note),
        key = "Idempotency-Key" => key,
    }
    let request = billing::refund_request_to_approve(&state.db, id.clone()).await?;
    let subscription = SubscriptionId::from_db(request.subscription_id.clone());
    let note = note.map(|note| note.as_str().to_owned());
    let reason = note
        .clone()
        .unwrap_or_else(|| format!("refund request: {}", request.reason));
    staff_refund(
        state,
        staff,
        subscription,
        reason,
        body.override_window,
        key,
        Some((id, note)),
    )
    .await
}
