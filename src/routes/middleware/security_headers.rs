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

/// `Cache-Control` for credentials, personal data and staff tools: no
/// cache, shared or the browser's own, may keep them.
const PRIVATE_NO_STORE: &str = "private, no-store";

/// Whether a path answers with credentials, personal data or staff data,
/// which no cache may keep: `/v1/auth/*`, `/v1/me*` and `/v1/admin/*`.
fn is_private(path: &str) -> bool {
    path.starts_with("/v1/auth/")
        || path == "/v1/me"
        || path.starts_with("/v1/me/")
        || path == "/v1/admin"
        || path.starts_with("/v1/admin/")
}

/// Whether a path's answer depends on who asks (the gate's answer, a full
/// body or a teaser): articles and issues.
fn depends_on_the_visitor(path: &str) -> bool {
    ["/v1/articles", "/v1/issues"].iter().any(|prefix| {
        path.strip_prefix(prefix)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
    })
}

/// Middleware, for answers whose handler chose no caching of its own:
/// `private, no-store` on private paths; `private` on any answer to a
/// request that carried credentials and on every article and issue answer
/// (a full body must never sit in a shared cache), with `Vary:
/// Authorization` so a browser's cache does not serve one visitor's answer
/// to a request with other credentials (and, on article and issue answers,
/// `Vary` on the metered paywall's cookie and headers).
pub async fn no_store_when_private(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let path = req.path();
    let private = is_private(path);
    let per_visitor = depends_on_the_visitor(path);
    let credentials = req.headers().contains_key(header::AUTHORIZATION)
        || req.headers().contains_key(header::COOKIE);
    let mut response = next.call(req).await?;
    let headers = response.headers_mut();
    if !headers.contains_key(header::CACHE_CONTROL) {
        if private {
            headers.insert(
                header::CACHE_CONTROL,
                HeaderValue::from_static(PRIVATE_NO_STORE),
            );
        } else if per_visitor || credentials {
            headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("private"));
        }
    }
    if per_visitor || credentials {
        headers.append(header::VARY, HeaderValue::from_static("Authorization"));
    }
    if per_visitor {
        // The metered paywall answers by the meter cookie or header.
        headers.append(
            header::VARY,
            HeaderValue::from_static("Cookie, X-Masthead-Meter, X-Masthead-Meter-Consent"),
        );
    }
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn private_paths() {
        for path in [
            "/v1/auth/login",
            "/v1/me",
            "/v1/me/subscription",
            "/v1/admin/readers",
        ] {
            assert!(is_private(path), "{path}");
        }
        for path in [
            "/v1/media/abc",
            "/v1/articles",
            "/v1/meetings",
            "/v1/administer",
            "/healthz",
        ] {
            assert!(!is_private(path), "{path}");
        }
        assert!(depends_on_the_visitor("/v1/articles/a-slug"));
        assert!(depends_on_the_visitor("/v1/issues"));
        assert!(!depends_on_the_visitor("/v1/articlesx"));
    }
}
