//! Times each request and counts it by route pattern in `HttpMetrics`,
//! reading the application's `Metrics` from `web::Data<Metrics>`.

use crate::metrics::{self, Metrics, UNMATCHED};
use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::{Error, web};
use std::sync::Arc;
use std::time::Instant;

/// Middleware: times each request and counts it under the pattern of the
/// route that answered. It also makes the application's metrics current
/// for the request (see [`metrics::in_scope`]).
pub async fn track_requests(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let Some(metrics) = req
        .app_data::<web::Data<Metrics>>()
        .map(|metrics| metrics.clone().into_inner())
    else {
        return next.call(req).await;
    };
    let started = Instant::now();
    // Not the request itself: routing needs it unshared.
    let method = req.method().clone();
    let result = metrics::in_scope(Arc::clone(&metrics), next.call(req)).await;
    // Routing has recorded which resource matched: reading its pattern
    // walks no routing table again. An error instead of a response (no
    // handler answers so; only a failing middleware could) has no route.
    let (route, status) = match &result {
        Ok(response) => (response.request().match_pattern(), response.status()),
        Err(error) => (None, error.as_response_error().status_code()),
    };
    metrics.http.observe(
        route.as_deref().unwrap_or(UNMATCHED),
        &method,
        status,
        started.elapsed(),
    );
    result
}
