//! `POST /v1/me/subscription/resume`: undo a cancellation before the paid
//! period ends.

use crate::billing;
use crate::error::{ApiError, Problem};
use crate::routes::extract::AuthenticatedReader;
use crate::routes::me::subscription::SubscriptionView;
use crate::state::AppState;
use actix_web::{HttpResponse, post, web};

/// Makes the reader's canceling subscription renew again (`active`).
#[utoipa::path(
    tag = "me",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The subscription, active again", body = SubscriptionView),
        (status = 401, description = "No valid session", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Nothing is canceling (`nothing_to_resume`) or the period is over (`period_ended`)", body = Problem, content_type = "application/problem+json"),
        (status = 502, description = "The payment provider refused the call or answered nonsense (`payment_provider_rejected`, `payment_provider_bad_response`)", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "The payment provider is unavailable", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/v1/me/subscription/resume")]
pub async fn resume_subscription(
    state: web::Data<AppState>,
    reader: AuthenticatedReader,
) -> Result<HttpResponse, ApiError> {
    let resumed = billing::resume(&state.db, &state.payments, &reader.reader_id).await?;
    state.cache.subscriptions_changed(&reader.reader_id);
    let view = SubscriptionView::from_row(&resumed)
        .ok_or_else(|| anyhow::anyhow!("subscription {} has an unknown state", resumed.id))?;
    Ok(HttpResponse::Ok().json(view))
}
