//! `POST /v1/me/subscription/cancel`: cancel anytime; access continues to
//! the end of the paid period.

use crate::billing;
use crate::domain::Reason;
use crate::error::{ApiError, Problem};
use crate::parse_fields;
use crate::routes::decoding::OptionalJson;
use crate::routes::extract::AuthenticatedReader;
use crate::routes::me::subscription::SubscriptionView;
use crate::state::AppState;
use actix_web::{HttpResponse, post, web};
use serde::Deserialize;
use utoipa::ToSchema;

/// Why the reader leaves, if they care to say. The body may be omitted.
#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct CancelRequest {
    /// Up to 1000 characters, kept for the magazine to read.
    #[serde(default)]
    pub reason: Option<String>,
}

/// Sets the reader's active subscription to end at its period end (it
/// becomes `canceling`; nothing renews). Resumable until then.
#[utoipa::path(
    tag = "me",
    security(("bearer" = [])),
    request_body(content = CancelRequest, description = "Optional; send no body at all to give no reason", content_type = "application/json"),
    responses(
        (status = 200, description = "The subscription, now canceling", body = SubscriptionView),
        (status = 401, description = "No valid session", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "No active subscription (`nothing_to_cancel`) or already ending (`already_canceling`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The reason is too long or has control characters", body = Problem, content_type = "application/problem+json"),
        (status = 502, description = "The payment provider refused the call or answered nonsense (`payment_provider_rejected`, `payment_provider_bad_response`)", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "The payment provider is unavailable", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/v1/me/subscription/cancel")]
pub async fn cancel_subscription(
    state: web::Data<AppState>,
    reader: AuthenticatedReader,
    body: OptionalJson<CancelRequest>,
) -> Result<HttpResponse, ApiError> {
    let body = body.0.unwrap_or_default();
    parse_fields! {
        reason = "reason" => Reason::parse_optional(body.reason),
    }
    let canceled = billing::cancel_at_period_end(
        &state.db,
        &state.payments,
        &state.letters,
        &reader.reader_id,
        reason,
    )
    .await?;
    state.cache.subscriptions_changed(&reader.reader_id);
    state.jobs.wake();
    let view = SubscriptionView::from_row(&canceled)
        .ok_or_else(|| anyhow::anyhow!("subscription {} has an unknown state", canceled.id))?;
    Ok(HttpResponse::Ok().json(view))
}
