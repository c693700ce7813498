//! Browser mode (`MASTHEAD_REFRESH_COOKIE=true`): the refresh token lives in
//! an HttpOnly cookie that page scripts cannot read, so an XSS cannot steal
//! a 30-day credential. Because a browser attaches that cookie to any
//! request, even one a hostile site triggers, the two endpoints that accept
//! it (refresh and logout) defend against CSRF without any secret the site
//! would have to keep (OWASP CSRF Prevention Cheat Sheet, "Employing Custom
//! Request Headers for AJAX/API" and "Verifying Origin With Standard
//! Headers"):
//!
//! - the request must carry a custom header, `X-CSRF-Token` (any non-empty
//!   value). A page on another origin can only add one through CORS, whose
//!   preflight passes only for `MASTHEAD_CORS_ORIGINS`; forms, links and
//!   images cannot send it at all.
//! - when the browser says where the request comes from (`Origin`), that
//!   must be an allowed origin or the API's own.
//!
//! So a site on `www.` calling the API on `api.` keeps its login across a
//! reload or in a new tab: it sends the cookie it cannot read and a
//! constant header, and stores nothing. (An earlier double-submit design
//! needed the site to read a cookie of the API's host, which it cannot.)

use crate::error::ApiError;
use crate::settings::Settings;
use actix_web::cookie::{Cookie, SameSite, time::Duration};
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponseBuilder};

/// The HttpOnly cookie holding the refresh token.
pub const REFRESH_COOKIE: &str = "masthead_refresh";
/// The readable cookie of the earlier double-submit design: no longer set,
/// still cleared at logout so old browsers drop it.
pub const LEGACY_CSRF_COOKIE: &str = "masthead_csrf";
/// The custom header that forces a CORS preflight.
pub const CSRF_HEADER: &str = "x-csrf-token";
/// The refresh cookie is only ever sent to the endpoints that read it.
const REFRESH_PATH: &str = "/v1/auth";

/// The cookie of one freshly issued refresh token.
pub struct BrowserSession {
    refresh_token: String,
}

impl BrowserSession {
    /// Carries `refresh_token` to the browser.
    pub fn new(refresh_token: String) -> Self {
        Self { refresh_token }
    }

    /// Sets the cookie, living as long as a login may.
    pub fn set_cookies(&self, response: &mut HttpResponseBuilder, settings: &Settings) {
        let max_age = Duration::days(settings.refresh_token_ttl_days);
        response.cookie(
            cookie(REFRESH_COOKIE, self.refresh_token.clone(), REFRESH_PATH)
                .http_only(true)
                .max_age(max_age)
                .finish(),
        );
    }
}

/// `SameSite=Lax`: `www.` and `api.` of one domain are the same site, so
/// the site's `fetch` carries it; another site's requests do not.
fn cookie(
    name: &'static str,
    value: String,
    path: &'static str,
) -> actix_web::cookie::CookieBuilder<'static> {
    Cookie::build(name, value)
        .path(path)
        .secure(true)
        .same_site(SameSite::Lax)
}

/// Expires the refresh cookie (and the legacy CSRF cookie) at logout.
pub fn clear_cookies(response: &mut HttpResponseBuilder) {
    for (name, path, http_only) in [
        (REFRESH_COOKIE, REFRESH_PATH, true),
        (LEGACY_CSRF_COOKIE, "/", false),
    ] {
        let mut removal = cookie(name, String::new(), path)
            .http_only(http_only)
            .finish();
        removal.make_removal();
        response.cookie(removal);
    }
}

/// The origin (`scheme://host[:port]`, lower case) of a URL.
fn origin_of(url: &str) -> String {
    let url = url.trim().to_ascii_lowercase();
    let after_scheme = url.find("://").map_or(0, |i| i + 3);
    let end = url[after_scheme..]
        .find(['/', '?', '#'])
        .map_or(url.len(), |i| after_scheme + i);
    url[..end].to_owned()
}

/// Whether a browser's `Origin` may use the refresh cookie: one of
/// `MASTHEAD_CORS_ORIGINS` or the API's own (`MASTHEAD_PUBLIC_URL`).
fn origin_allowed(origin: &str, settings: &Settings) -> bool {
    let origin = origin_of(origin);
    origin == origin_of(&settings.public_url())
        || settings
            .cors_origins
            .iter()
            .any(|allowed| origin_of(allowed) == origin)
}

/// The refresh token of the request's cookie, in browser mode only, after
/// the CSRF check: `None` without the cookie (or outside browser mode),
/// 403 `csrf_failed` without the custom header or from a foreign origin.
pub fn refresh_token_from_cookie(
    req: &HttpRequest,
    settings: &Settings,
) -> Result<Option<String>, ApiError> {
    if !settings.refresh_cookie {
        return Ok(None);
    }
    let Some(refresh) = req
        .cookie(REFRESH_COOKIE)
        .map(|c| c.value().to_owned())
        .filter(|v| !v.is_empty())
    else {
        return Ok(None);
    };
    let has_header = req
        .headers()
        .get(CSRF_HEADER)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| !v.trim().is_empty());
    if !has_header {
        return Err(ApiError::forbidden(
            "csrf_failed",
            "requests with the masthead_refresh cookie must send an X-CSRF-Token header (any value, e.g. 1)",
        ));
    }
    let origin = req
        .headers()
        .get(header::ORIGIN)
        .map(|v| v.to_str().unwrap_or("invalid"));
    if let Some(origin) = origin.filter(|origin| !origin_allowed(origin, settings)) {
        return Err(ApiError::forbidden(
            "csrf_failed",
            format!("the origin {origin} may not use the refresh cookie"),
        ));
    }
    Ok(Some(refresh))
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::test::TestRequest;

    fn browser_mode() -> Settings {
        Settings {
            refresh_cookie: true,
            public_url: Some("https://api.magazine.example".into()),
            cors_origins: vec!["https://www.magazine.example".into()],
            ..Settings::default()
        }
    }

    fn with_cookie(csrf_header: Option<&str>, origin: Option<&str>) -> HttpRequest {
        let mut req = TestRequest::post().cookie(Cookie::new(REFRESH_COOKIE, "refresh"));
        if let Some(value) = csrf_header {
            req = req.insert_header((CSRF_HEADER, value));
        }
        if let Some(value) = origin {
            req = req.insert_header((header::ORIGIN, value));
        }
        req.to_http_request()
    }

    #[test]
    fn the_cookie_counts_only_with_the_custom_header() {
        let settings = browser_mode();
        let ok = refresh_token_from_cookie(&with_cookie(Some("1"), None), &settings).unwrap();
        assert_eq!(ok.as_deref(), Some("refresh"));
        for header in [None, Some(""), Some("  ")] {
            let refused = refresh_token_from_cookie(&with_cookie(header, None), &settings);
            assert_eq!(refused.unwrap_err().code(), "csrf_failed");
        }
    }

    #[test]
    fn only_allowed_origins_may_use_the_cookie() {
        let settings = browser_mode();
        for origin in [
            "https://www.magazine.example",
            "https://API.magazine.example",
        ] {
            let ok = refresh_token_from_cookie(&with_cookie(Some("1"), Some(origin)), &settings);
            assert!(ok.unwrap().is_some(), "{origin}");
        }
        for origin in [
            "https://evil.example",
            "null",
            "http://www.magazine.example",
            "https://www.magazine.example.evil.example",
        ] {
            let refused =
                refresh_token_from_cookie(&with_cookie(Some("1"), Some(origin)), &settings);
            assert_eq!(refused.unwrap_err().code(), "csrf_failed", "{origin}");
        }
    }

    #[test]
    fn cookies_are_ignored_outside_browser_mode() {
        let none =
            refresh_token_from_cookie(&with_cookie(None, None), &Settings::default()).unwrap();
        assert!(none.is_none());
    }

    #[test]
    fn the_refresh_cookie_is_http_only_and_nothing_else_is_set() {
        let session = BrowserSession::new("refresh".into());
        let mut builder = actix_web::HttpResponse::Ok();
        session.set_cookies(&mut builder, &browser_mode());
        let response = builder.finish();
        let cookies: Vec<Cookie<'_>> = response.cookies().collect();
        assert_eq!(cookies.len(), 1);
        let refresh = &cookies[0];
        assert_eq!(refresh.name(), REFRESH_COOKIE);
        assert_eq!(refresh.http_only(), Some(true));
        assert_eq!(refresh.secure(), Some(true));
        assert_eq!(refresh.same_site(), Some(SameSite::Lax));
        assert_eq!(refresh.path(), Some(REFRESH_PATH));
    }
}
