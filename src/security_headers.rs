//! Headers every response carries, so a browser treats the API's answers
//! as data and never as a page to render, frame or leak from. Each header
//! is added only when the handler did not set its own, so a page that needs
//! a different policy (the future `/docs` page and its scripts) sets its
//! `Content-Security-Policy` itself and keeps it.

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderValue};
use actix_web::middleware::{DefaultHeaders, Next};

/// JSON needs no sources at all, and no one may frame it.
pub const API_CONTENT_SECURITY_POLICY: &str = "default-src 'none'; frame-ancestors 'none'";

/// Turns off the powerful browser features an API response never needs.
const PERMISSIONS_POLICY: &str = "camera=(), microphone=(), geolocation=(), payment=(), usb=()";

/// One year: browsers keep to https for the host once they have seen it.
const HSTS: &str = "max-age=31536000";

/// The headers added to every response; `Strict-Transport-Security` only
/// when the public URL is https (sent over plain http it would be ignored,
/// and on a development machine it would be wrong).
pub fn default_headers(public_url: &str) -> DefaultHeaders {
    let headers = DefaultHeaders::new()
        .add((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .add((header::X_FRAME_OPTIONS, "DENY"))
        .add((header::CONTENT_SECURITY_POLICY, API_CONTENT_SECURITY_POLICY))
        .add((header::REFERRER_POLICY, "no-referrer"))
        .add(("permissions-policy", PERMISSIONS_POLICY))
        .add(("cross-origin-opener-policy", "same-origin"));
    if public_url.starts_with("https://") {
        headers.add((header::STRICT_TRANSPORT_SECURITY, HSTS))
    } else {
        headers
    }
}

/// Whether a path answers with credentials or personal data, which no
/// shared or browser cache may keep: `/v1/auth/*` and `/v1/me*`.
fn is_private(path: &str) -> bool {
    path.starts_with("/v1/auth/") || path == "/v1/me" || path.starts_with("/v1/me/")
}

/// Middleware: `Cache-Control: no-store` on private paths, unless the
/// handler chose its own caching.
pub async fn no_store_when_private(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let private = is_private(req.path());
    let mut response = next.call(req).await?;
    if private && !response.headers().contains_key(header::CACHE_CONTROL) {
        response
            .headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn private_paths() {
        for path in ["/v1/auth/login", "/v1/me", "/v1/me/subscription"] {
            assert!(is_private(path), "{path}");
        }
        for path in ["/v1/media/abc", "/v1/articles", "/v1/meetings", "/healthz"] {
            assert!(!is_private(path), "{path}");
        }
    }
}
