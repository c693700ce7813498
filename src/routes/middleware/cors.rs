//! Cross-origin access for browser front-ends on other origins: only the
//! configured origins (`MASTHEAD_CORS_ORIGINS`), with cookies allowed so
//! browser mode's refresh cookie works. Everyone else gets no CORS headers,
//! so browsers keep their pages from reading our answers.

use crate::error::ApiError;
use actix_cors::Cors;
use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderName};
use actix_web::http::{Method, StatusCode};
use actix_web::middleware::Next;

/// How long a browser may reuse a preflight answer.
const PREFLIGHT_MAX_AGE_SECONDS: usize = 600;

/// Checks and normalises the configured origins (lower case, no trailing
/// slash), refusing at start what could never match a browser's `Origin`.
pub fn allowed_origins(configured: &[String]) -> anyhow::Result<Vec<String>> {
    configured
        .iter()
        .map(|origin| {
            let origin = origin.trim().trim_end_matches('/').to_ascii_lowercase();
            let host = origin
                .strip_prefix("https://")
                .or_else(|| origin.strip_prefix("http://"));
            match host {
                Some(host)
                    if !host.is_empty()
                        && !host.contains(['/', '*', '?', '#', '@'])
                        && !host.contains(char::is_whitespace) =>
                {
                    Ok(origin)
                }
                _ => anyhow::bail!(
                    "MASTHEAD_CORS_ORIGINS: {origin:?} is not an origin like https://www.magazine.example \
                     (a wildcard cannot be combined with cookies)"
                ),
            }
        })
        .collect()
}

/// The CORS policy for the checked `origins` (an empty list allows none).
pub fn policy(origins: &[String]) -> Cors {
    let cors = Cors::default()
        .allowed_methods(["GET", "POST", "PATCH", "PUT", "DELETE", "OPTIONS"])
        .allowed_headers([
            header::AUTHORIZATION,
            header::CONTENT_TYPE,
            HeaderName::from_static("x-csrf-token"),
            HeaderName::from_static("idempotency-key"),
            HeaderName::from_static("x-request-id"),
        ])
        .expose_headers([HeaderName::from_static("x-request-id"), header::RETRY_AFTER])
        .supports_credentials()
        .max_age(PREFLIGHT_MAX_AGE_SECONDS);
    origins
        .iter()
        .fold(cors, |cors, origin| cors.allowed_origin(origin))
}

/// Middleware around the CORS policy: the plain-text 400 it answers to a
/// refused preflight (an origin, method or header not allowed) becomes the
/// same problem+json every other error is; and an answer to an origin that
/// is not allowed loses every `Access-Control-*` header (actix-cors adds
/// `Allow-Credentials` and `Expose-Headers` to any request with an
/// `Origin`, which tells a stranger more than it needs and contradicts "no
/// CORS headers at all").
pub async fn preflight_problems(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let preflight = req.method() == Method::OPTIONS
        && req
            .headers()
            .contains_key(header::ACCESS_CONTROL_REQUEST_METHOD);
    let mut response = next.call(req).await?;
    strip_unless_allowed(response.headers_mut());
    if preflight && response.status() == StatusCode::BAD_REQUEST {
        let (req, _) = response.into_parts();
        let problem = ApiError::bad_request(
            "cors_refused",
            "this origin, method or header is not allowed to call the API from a browser",
        );
        return Ok(ServiceResponse::new(
            req,
            actix_web::ResponseError::error_response(&problem),
        ));
    }
    Ok(response.map_into_boxed_body())
}

/// Removes the CORS headers of an answer that allows no origin.
fn strip_unless_allowed(headers: &mut actix_web::http::header::HeaderMap) {
    if headers.contains_key(header::ACCESS_CONTROL_ALLOW_ORIGIN) {
        return;
    }
    let cors: Vec<HeaderName> = headers
        .keys()
        .filter(|name| name.as_str().starts_with("access-control-"))
        .cloned()
        .collect();
    for name in cors {
        headers.remove(name);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_are_normalised_or_refused() {
        let ok = allowed_origins(&[
            "https://WWW.Magazine.example/".into(),
            "http://localhost:3000".into(),
        ]);
        assert_eq!(
            ok.unwrap(),
            ["https://www.magazine.example", "http://localhost:3000"]
        );
        for bad in [
            "*",
            "www.magazine.example",
            "https://",
            "https://a.example/path",
            "https://*.example",
        ] {
            assert!(allowed_origins(&[bad.into()]).is_err(), "{bad} accepted");
        }
    }
}
