//! Liveness and readiness for load balancers and orchestrators.

use crate::error::{ApiError, Problem};
use crate::state::AppState;
use actix_web::{HttpResponse, get, web};
use serde_json::json;

/// The process is up and serving HTTP.
#[utoipa::path(tag = "operations", responses((status = 200, description = "The process is up")))]
#[get("/healthz")]
pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(json!({ "status": "ok" }))
}

/// The service can do useful work: the database answers.
#[utoipa::path(
    tag = "operations",
    responses(
        (status = 200, description = "Ready to serve"),
        (status = 503, description = "The database is unreachable", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/readyz")]
pub async fn readyz(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    if state.db.is_ready().await {
        Ok(HttpResponse::Ok().json(json!({ "status": "ready" })))
    } else {
        Err(ApiError::database_unavailable())
    }
}
