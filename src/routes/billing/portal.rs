//! `POST /v1/billing/portal`: where the reader manages payment details.

use crate::billing;
use crate::error::{ApiError, Problem};
use crate::routes::extract::AuthenticatedReader;
use crate::state::AppState;
use actix_web::{HttpResponse, post, web};
use serde::Serialize;
use utoipa::ToSchema;

/// The portal to send the reader to.
#[derive(Debug, Serialize, ToSchema)]
pub struct PortalResponse {
    /// Stripe's Billing Portal, or the development provider's page.
    pub url: String,
}

/// A link to the payment provider's billing portal for the reader's
/// current subscription.
#[utoipa::path(
    tag = "billing",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The portal URL", body = PortalResponse),
        (status = 401, description = "No valid session", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "No subscription to manage (`no_subscription`)", body = Problem, content_type = "application/problem+json"),
        (status = 502, description = "The payment provider refused the call or answered nonsense (`payment_provider_rejected`, `payment_provider_bad_response`)", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "The payment provider is unavailable", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/v1/billing/portal")]
pub async fn billing_portal(
    state: web::Data<AppState>,
    reader: AuthenticatedReader,
) -> Result<HttpResponse, ApiError> {
    let url = billing::portal_url(&state.db, &state.payments, &reader.account).await?;
    Ok(HttpResponse::Ok().json(PortalResponse { url }))
}
