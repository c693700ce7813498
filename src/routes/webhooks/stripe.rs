//! `POST /v1/webhooks/stripe`: Stripe's events, verified and applied once.

use crate::billing::webhooks::{self, Applied, StripeEvent};
use crate::error::{ApiError, Problem};
use crate::metrics::WebhookOutcome;
use crate::state::AppState;
use actix_web::error::PayloadError;
use actix_web::{HttpRequest, HttpResponse, post, web};
use secrecy::ExposeSecret;
use serde::Serialize;
use utoipa::ToSchema;

use super::WEBHOOK_BODY_LIMIT_BYTES;

/// The acknowledgement Stripe receives.
#[derive(Debug, Serialize, ToSchema)]
pub struct WebhookAck {
    /// Always `true`: the event is recorded (Stripe stops retrying).
    pub received: bool,
    /// `true` when the event had been applied before and nothing changed.
    pub duplicate: bool,
}

/// Receives one Stripe event. The `Stripe-Signature` header is checked on
/// the raw body before anything else is read (400 with no side effect when
/// it is missing, does not match, or is more than 300 s old); the event is
/// then applied and its id recorded in one transaction, so a redelivery
/// answers 200 and changes nothing. Unknown event types answer 200 and are
/// recorded. A failure on our side answers 5xx with nothing committed, so
/// Stripe delivers again. Without a configured webhook secret the endpoint
/// answers 503 `webhooks_not_configured`: Stripe keeps retrying for days,
/// so no event is lost while an operator adds the secret.
#[utoipa::path(
    tag = "billing",
    params(("Stripe-Signature" = String, Header, description = "`t=<unix time>,v1=<hex HMAC-SHA256>`; several `v1` while a secret is rotated")),
    request_body(content = String, content_type = "application/json", description = "A Stripe event, exactly as Stripe sent it"),
    responses(
        (status = 200, description = "Applied, recorded, or a duplicate of an event applied before", body = WebhookAck),
        (status = 400, description = "Missing, invalid or stale signature (`missing_signature`, `invalid_signature`, `stale_signature`), a signed body that is not an event (`malformed_event`), or an event from the other Stripe mode than the configured key's (`livemode_mismatch`: test-mode events on a live key and the reverse; nothing is changed)", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "The body is larger than 256 KiB", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "No webhook secret is configured (`webhooks_not_configured`), a refund or dispute names a payment whose invoice is still being looked up at Stripe (`payment_not_yet_known`), or the database is unavailable; Stripe retries", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/stripe")]
pub async fn stripe_webhook(
    state: web::Data<AppState>,
    request: HttpRequest,
    body: Result<web::Bytes, actix_web::Error>,
) -> Result<HttpResponse, ApiError> {
    let metrics = &state.metrics.webhooks;
    let event = verified_event(&state, &request, body)
        .inspect_err(|_| metrics.observe(None, WebhookOutcome::Rejected))?;
    let kind = event.kind.clone();
    let grace_days = state.settings.grace_days;
    let (applied, readers) = webhooks::apply(&state.db, &state.letters, event, grace_days)
        .await
        .inspect_err(|_| metrics.observe(Some(&kind), WebhookOutcome::Failed))?;
    metrics.observe(
        Some(&kind),
        match applied {
            Applied::Applied => WebhookOutcome::Applied,
            Applied::Ignored => WebhookOutcome::Ignored,
            Applied::Duplicate => WebhookOutcome::Duplicate,
        },
    );
    for reader in &readers {
        state.cache.subscriptions_changed(reader);
    }
    if applied == Applied::Applied {
        // Stripe calls and emails the event made necessary were queued
        // with it, as jobs: wake the workers so they run right after this
        // answer.
        state.jobs.wake();
    }
    Ok(HttpResponse::Ok().json(WebhookAck {
        received: true,
        duplicate: applied == Applied::Duplicate,
    }))
}

/// The event, once the body is read and its signature checked against the
/// configured secret.
fn verified_event(
    state: &AppState,
    request: &HttpRequest,
    body: Result<web::Bytes, actix_web::Error>,
) -> Result<StripeEvent, ApiError> {
    let secret = state
        .settings
        .stripe_webhook_secret
        .as_ref()
        .ok_or_else(|| ApiError::Unavailable {
            code: "webhooks_not_configured",
            detail: "no Stripe webhook secret is configured (MASTHEAD_STRIPE_WEBHOOK_SECRET)"
                .to_owned(),
        })?;
    let body = body.map_err(body_error)?;
    let signature = request
        .headers()
        .get("stripe-signature")
        .and_then(|value| value.to_str().ok());
    webhooks::verify(&body, signature, secret.expose_secret())?;
    let event = StripeEvent::from_body(&body)?;
    let key = state.settings.stripe_secret_key.as_ref();
    webhooks::mode::check(&event, key.map(ExposeSecret::expose_secret))?;
    webhooks::warn_if_other_api_version(&event);
    Ok(event)
}

fn body_error(error: actix_web::Error) -> ApiError {
    match error.as_error::<PayloadError>() {
        Some(PayloadError::Overflow) => ApiError::PayloadTooLarge {
            limit: WEBHOOK_BODY_LIMIT_BYTES,
        },
        _ => ApiError::bad_request(
            "malformed_body",
            format!("the body could not be read: {error}"),
        ),
    }
}
