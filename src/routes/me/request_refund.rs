//! `POST /v1/me/subscription/refund-request`: the 60-day money-back
//! guarantee, from the reader's side: a pending request support answers.

use crate::billing;
use crate::domain::{Guarantee, Reason};
use crate::error::{ApiError, Problem};
use crate::parse_fields;
use crate::routes::extract::AuthenticatedReader;
use crate::state::AppState;
use actix_web::{HttpResponse, post, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Why the reader wants their money back.
#[derive(Debug, Deserialize, ToSchema)]
pub struct RefundRequestInput {
    /// Required; up to 1000 characters.
    #[schema(required = true, value_type = String)]
    pub reason: Option<String>,
}

/// The reader's request.
#[derive(Debug, Serialize, ToSchema)]
pub struct MyRefundRequest {
    /// The request id.
    pub id: String,
    /// The subscription it concerns.
    pub subscription_id: String,
    /// `pending` until support answers.
    pub status: String,
    /// The reader's words.
    pub reason: String,
    /// When they asked.
    pub created_at: DateTime<Utc>,
    /// Whether it is inside the money-back guarantee (refunded in full).
    pub within_guarantee: bool,
    /// When the guarantee ends (or ended).
    pub guarantee_ends_at: DateTime<Utc>,
}

/// Asks for a refund of the reader's current paid subscription.
#[utoipa::path(
    tag = "me",
    security(("bearer" = [])),
    request_body = RefundRequestInput,
    responses(
        (status = 201, description = "The pending request", body = MyRefundRequest),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid session", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Nothing paid to refund (`nothing_to_refund`), or a request is already pending (`refund_request_pending`)", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "No reason, or too long", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/v1/me/subscription/refund-request")]
pub async fn request_refund(
    state: web::Data<AppState>,
    reader: AuthenticatedReader,
    body: web::Json<RefundRequestInput>,
) -> Result<HttpResponse, ApiError> {
    parse_fields! {
        reason = "reason" => Reason::parse_required(body.into_inner().reason),
    }
    let requested =
        billing::request_refund(&state.db, &state.letters, &reader.reader_id, reason).await?;
    state.jobs.wake();
    let guarantee = Guarantee::new(
        requested.first_paid_at.and_utc(),
        state.settings.refund_window_days,
    );
    let request = requested.request;
    Ok(HttpResponse::Created().json(MyRefundRequest {
        within_guarantee: guarantee.covers(request.created_at.and_utc()),
        guarantee_ends_at: guarantee.ends,
        id: request.id,
        subscription_id: request.subscription_id,
        status: request.status.as_str().to_owned(),
        reason: request.reason,
        created_at: request.created_at.and_utc(),
    }))
}
