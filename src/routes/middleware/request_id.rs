//! `X-Request-Id`: one id per request, in its log span, its response and
//! the audit entries it records. The span names the route once the request
//! has been routed, so the "served" line carries it; lines logged inside the
//! handler carry the request id and the method.

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{Error, HttpMessage};
use std::time::Instant;
use tracing::Instrument;

/// The id of the current request, as echoed in `X-Request-Id`.
#[derive(Debug, Clone)]
pub struct RequestId(pub String);

const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// Accepts a caller's request id only if it is short and printable, so it
/// cannot forge log lines.
fn acceptable(id: &str) -> bool {
    !id.is_empty() && id.len() <= 128 && id.bytes().all(|b| b.is_ascii_graphic())
}

/// Middleware: takes `X-Request-Id` from the caller or makes one, runs the
/// request inside a span carrying it, echoes it, and logs one line.
pub async fn request_id(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let id = req
        .headers()
        .get(&REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .filter(|v| acceptable(v))
        .map_or_else(|| uuid::Uuid::new_v4().to_string(), str::to_owned);
    req.extensions_mut().insert(RequestId(id.clone()));
    let span = tracing::info_span!(
        "request",
        request_id = %id,
        method = %req.method(),
        route = tracing::field::Empty
    );
    let started = Instant::now();
    let mut response = next.call(req).instrument(span.clone()).await?;
    if let Ok(value) = HeaderValue::from_str(&id) {
        response.headers_mut().insert(REQUEST_ID, value);
    }
    if !span.is_disabled() {
        // The route pattern, never the raw path: a path can carry a signed
        // media token (`/v1/media/{token}`), which anyone reading the logs
        // could replay until it expires. Read once routing has matched: the
        // router has recorded which resource answered, so this is a walk
        // down a few nodes. Asked before routing, actix matches the path
        // against every pattern of the application a second time, which
        // cost every request that much even with the span disabled.
        let route = response.request().match_pattern();
        span.record("route", route.as_deref().unwrap_or("(no route)"));
    }
    span.in_scope(|| {
        tracing::info!(
            status = response.status().as_u16(),
            micros = u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX),
            "served"
        );
    });
    Ok(response)
}
