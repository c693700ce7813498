//! `GET /metrics`: the Prometheus text exposition, optionally behind a
//! bearer token.

use crate::error::{ApiError, Problem};
use crate::state::AppState;
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, get, web};
use secrecy::ExposeSecret;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// Whether the request carries the configured token. Both sides are hashed
/// first, so the comparison takes the same time whatever the length of
/// the guess.
fn authorised(req: &HttpRequest, expected: &str) -> bool {
    let given = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.strip_prefix("Bearer "))
        .unwrap_or_default();
    let given = Sha256::digest(given.as_bytes());
    let expected = Sha256::digest(expected.as_bytes());
    given.ct_eq(&expected).into()
}

/// Counters, gauges and histograms for Prometheus: requests by route,
/// the database pool, webhooks, logins, the gate's decisions, staff
/// refunds. When `MASTHEAD_METRICS_TOKEN` is set, only
/// `Authorization: Bearer <token>` is answered.
#[utoipa::path(
    tag = "operations",
    responses(
        (status = 200, description = "Prometheus text exposition format 0.0.4", body = String, content_type = "text/plain"),
        (status = 401, description = "`MASTHEAD_METRICS_TOKEN` is set and the request does not carry it (`metrics_token_required`)", body = Problem, content_type = "application/problem+json"),
    ),
    security((), ("bearer" = []))
)]
#[get("/metrics")]
pub async fn metrics(
    state: web::Data<AppState>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    if let Some(token) = &state.settings.metrics_token
        && !authorised(&req, token.expose_secret())
    {
        return Err(ApiError::unauthenticated(
            "metrics_token_required",
            "send the metrics token as `Authorization: Bearer <token>`",
        ));
    }
    let body = state.metrics.render().map_err(ApiError::Unexpected)?;
    Ok(HttpResponse::Ok()
        .content_type(crate::metrics::CONTENT_TYPE)
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(body))
}
