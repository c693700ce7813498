//! Requests by route pattern (never the raw path, so readers' slugs and
//! tokens cannot multiply the series), method and status, with latency
//! buckets from half a millisecond (the gate answers in about one) to five
//! seconds (the database timeout).
//!
//! Every documented (pattern, method) pair gets a row of slots at start-up,
//! one per usual status; a slot's counter and histogram are resolved the
//! first time it is used and read without a lock afterwards. Anything else
//! (an unusual status, a method a route does not serve) takes the
//! registry's locked path, which is rare by construction.

use actix_web::http::{Method, StatusCode};
use prometheus::{
    Histogram, HistogramOpts, HistogramVec, IntCounter, IntCounterVec, Opts, Registry,
};
use std::collections::HashMap;
use std::sync::OnceLock;
use std::time::Duration;

/// The route label of requests no route matched.
pub const UNMATCHED: &str = "unmatched";

const BUCKETS: [f64; 14] = [
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

/// The statuses Masthead answers with; others are counted all the same,
/// through the slower path.
const STATUSES: [u16; 27] = [
    200, 201, 202, 204, 206, 301, 302, 303, 304, 307, 308, 400, 401, 403, 404, 405, 406, 409, 410,
    413, 415, 416, 422, 429, 500, 502, 503,
];

const METHODS: [Method; 7] = [
    Method::GET,
    Method::POST,
    Method::PUT,
    Method::PATCH,
    Method::DELETE,
    Method::HEAD,
    Method::OPTIONS,
];

#[derive(Clone)]
struct Child {
    requests: IntCounter,
    duration: Histogram,
}

struct Slots {
    method: Method,
    statuses: [OnceLock<Child>; STATUSES.len()],
}

/// `masthead_http_requests_total` and
/// `masthead_http_request_duration_seconds`, by route, method and status.
pub struct HttpMetrics {
    requests: IntCounterVec,
    duration: HistogramVec,
    routes: HashMap<String, Vec<Slots>>,
}

impl HttpMetrics {
    pub(super) fn new(registry: &Registry, openapi: &str) -> anyhow::Result<Self> {
        let labels = ["route", "method", "status"];
        let requests = IntCounterVec::new(
            Opts::new(
                "http_requests_total",
                "HTTP requests by route pattern, method and status",
            ),
            &labels,
        )?;
        let duration = HistogramVec::new(
            HistogramOpts::new(
                "http_request_duration_seconds",
                "Time to answer an HTTP request (until the response starts), by route pattern, method and status",
            )
            .buckets(BUCKETS.to_vec()),
            &labels,
        )?;
        registry.register(Box::new(requests.clone()))?;
        registry.register(Box::new(duration.clone()))?;
        Ok(Self {
            requests,
            duration,
            routes: documented_routes(openapi)?,
        })
    }

    /// Counts one answered request.
    pub fn observe(&self, route: &str, method: &Method, status: StatusCode, elapsed: Duration) {
        let seconds = elapsed.as_secs_f64();
        if let Some(child) = self.slot(route, method, status) {
            child.requests.inc();
            child.duration.observe(seconds);
            return;
        }
        let labels = [route, method_label(method), status.as_str()];
        self.requests.with_label_values(&labels).inc();
        self.duration.with_label_values(&labels).observe(seconds);
    }

    fn slot(&self, route: &str, method: &Method, status: StatusCode) -> Option<&Child> {
        let slots = self
            .routes
            .get(route)?
            .iter()
            .find(|s| s.method == method)?;
        let index = STATUSES.iter().position(|&s| s == status.as_u16())?;
        Some(slots.statuses[index].get_or_init(|| {
            let labels = [route, method_label(method), status.as_str()];
            Child {
                requests: self.requests.with_label_values(&labels),
                duration: self.duration.with_label_values(&labels),
            }
        }))
    }
}

fn method_label(method: &Method) -> &'static str {
    METHODS
        .iter()
        .find(|known| *known == method)
        .map_or("other", Method::as_str)
}

/// The (pattern, method) pairs of the OpenAPI document, plus `unmatched`
/// for every method.
fn documented_routes(openapi: &str) -> anyhow::Result<HashMap<String, Vec<Slots>>> {
    let document: serde_json::Value = serde_json::from_str(openapi)?;
    let slots = |method: &Method| Slots {
        method: method.clone(),
        statuses: std::array::from_fn(|_| OnceLock::new()),
    };
    let mut routes: HashMap<String, Vec<Slots>> = HashMap::new();
    if let Some(paths) = document["paths"].as_object() {
        for (path, operations) in paths {
            let methods = operations.as_object().into_iter().flat_map(|o| o.keys());
            let known = methods.filter_map(|name| {
                METHODS
                    .iter()
                    .find(|m| m.as_str().eq_ignore_ascii_case(name))
            });
            routes.insert(path.clone(), known.map(slots).collect());
        }
    }
    routes.insert(UNMATCHED.to_owned(), METHODS.iter().map(slots).collect());
    Ok(routes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn metrics() -> HttpMetrics {
        let openapi =
            r#"{"paths":{"/v1/articles/{slug}":{"get":{}},"/v1/me":{"get":{},"patch":{}}}}"#;
        HttpMetrics::new(&Registry::new(), openapi).unwrap()
    }

    #[test]
    fn documented_routes_count_without_the_locked_path() {
        let http = metrics();
        let elapsed = Duration::from_micros(800);
        http.observe("/v1/articles/{slug}", &Method::GET, StatusCode::OK, elapsed);
        http.observe("/v1/articles/{slug}", &Method::GET, StatusCode::OK, elapsed);
        let child = http
            .slot("/v1/articles/{slug}", &Method::GET, StatusCode::OK)
            .unwrap();
        assert_eq!(child.requests.get(), 2);
        assert_eq!(child.duration.get_sample_count(), 2);
        assert!(
            http.slot("/v1/me", &Method::PATCH, StatusCode::OK)
                .is_some()
        );
        assert!(http.slot("/v1/me", &Method::PUT, StatusCode::OK).is_none());
    }

    #[test]
    fn everything_else_is_counted_too() {
        let http = metrics();
        let status = StatusCode::from_u16(418).unwrap();
        http.observe(UNMATCHED, &Method::GET, status, Duration::ZERO);
        http.observe(
            "/v1/me",
            &Method::PUT,
            StatusCode::METHOD_NOT_ALLOWED,
            Duration::ZERO,
        );
        let weird = Method::from_bytes(b"BREW").unwrap();
        http.observe(UNMATCHED, &weird, StatusCode::NOT_FOUND, Duration::ZERO);
        assert_eq!(
            http.requests
                .with_label_values(&[UNMATCHED, "GET", "418"])
                .get(),
            1
        );
        assert_eq!(
            http.requests
                .with_label_values(&["/v1/me", "PUT", "405"])
                .get(),
            1
        );
        assert_eq!(
            http.requests
                .with_label_values(&[UNMATCHED, "other", "404"])
                .get(),
            1
        );
    }
}
