//! Browser mode (`MASTHEAD_REFRESH_COOKIE=true`): the refresh token lives in
//! an HttpOnly cookie that page scripts cannot read, so an XSS cannot steal
//! a 30-day credential. Because a browser attaches that cookie to any
//! request, even one a hostile site triggers, the two endpoints that accept
//! it (refresh and logout) also demand a double-submit CSRF token: the
//! random value of the readable `masthead_csrf` cookie (and of the login's
//! JSON `csrf_token`) echoed in an `X-CSRF-Token` header, which another site
//! can neither read nor set.

use crate::error::ApiError;
use crate::settings::Settings;
use actix_web::cookie::{Cookie, SameSite, time::Duration};
use actix_web::{HttpRequest, HttpResponseBuilder};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::RngCore;
use subtle::ConstantTimeEq;

/// The HttpOnly cookie holding the refresh token.
pub const REFRESH_COOKIE: &str = "masthead_refresh";
/// The script-readable cookie holding the CSRF token.
pub const CSRF_COOKIE: &str = "masthead_csrf";
/// The header a front-end echoes the CSRF token in.
pub const CSRF_HEADER: &str = "x-csrf-token";
/// The refresh cookie is only ever sent to the endpoints that read it.
const REFRESH_PATH: &str = "/v1/auth";
/// The CSRF cookie is readable by the front-end's scripts on every path
/// (when front-end and API share an origin).
const CSRF_PATH: &str = "/";

/// The cookies of one freshly issued refresh token.
pub struct BrowserSession {
    refresh_token: String,
    csrf_token: String,
}

impl BrowserSession {
    /// Pairs a refresh token with a new random CSRF token.
    pub fn new(refresh_token: String) -> Self {
        let mut bytes = [0_u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut bytes);
        Self {
            refresh_token,
            csrf_token: URL_SAFE_NO_PAD.encode(bytes),
        }
    }

    /// The CSRF token, also returned in the JSON body so a front-end on
    /// another origin (which cannot read this API's cookies) can echo it.
    pub fn csrf_token(&self) -> &str {
        &self.csrf_token
    }

    /// Sets both cookies, living as long as a login may.
    pub fn set_cookies(&self, response: &mut HttpResponseBuilder, settings: &Settings) {
        let max_age = Duration::days(settings.refresh_token_ttl_days);
        response.cookie(
            cookie(REFRESH_COOKIE, self.refresh_token.clone(), REFRESH_PATH)
                .http_only(true)
                .max_age(max_age)
                .finish(),
        );
        response.cookie(
            cookie(CSRF_COOKIE, self.csrf_token.clone(), CSRF_PATH)
                .http_only(false)
                .max_age(max_age)
                .finish(),
        );
    }
}

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

/// Expires both cookies (logout).
pub fn clear_cookies(response: &mut HttpResponseBuilder) {
    for (name, path, http_only) in [
        (REFRESH_COOKIE, REFRESH_PATH, true),
        (CSRF_COOKIE, CSRF_PATH, false),
    ] {
        let mut removal = cookie(name, String::new(), path)
            .http_only(http_only)
            .finish();
        removal.make_removal();
        response.cookie(removal);
    }
}

/// The refresh token of the request's cookie, in browser mode only, after
/// the CSRF check: `None` without the cookie (or outside browser mode),
/// 403 `csrf_failed` when the header is missing or does not match.
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
    let expected = req.cookie(CSRF_COOKIE).map(|c| c.value().to_owned());
    let presented = req
        .headers()
        .get(CSRF_HEADER)
        .and_then(|v| v.to_str().ok())
        .map(str::trim);
    match (expected, presented) {
        (Some(expected), Some(presented))
            if !expected.is_empty()
                && bool::from(expected.as_bytes().ct_eq(presented.as_bytes())) =>
        {
            Ok(Some(refresh))
        }
        _ => Err(ApiError::forbidden(
            "csrf_failed",
            "send the value of the masthead_csrf cookie in an X-CSRF-Token header",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::test::TestRequest;

    fn browser_mode() -> Settings {
        Settings {
            refresh_cookie: true,
            ..Settings::default()
        }
    }

    fn with_cookies(csrf_header: Option<&str>) -> HttpRequest {
        let mut req = TestRequest::post()
            .cookie(Cookie::new(REFRESH_COOKIE, "refresh"))
            .cookie(Cookie::new(CSRF_COOKIE, "csrf"));
        if let Some(value) = csrf_header {
            req = req.insert_header((CSRF_HEADER, value));
        }
        req.to_http_request()
    }

    #[test]
    fn the_cookie_counts_only_with_a_matching_header() {
        let settings = browser_mode();
        let ok = refresh_token_from_cookie(&with_cookies(Some("csrf")), &settings).unwrap();
        assert_eq!(ok.as_deref(), Some("refresh"));
        for header in [None, Some("other"), Some("")] {
            let refused = refresh_token_from_cookie(&with_cookies(header), &settings);
            assert_eq!(refused.unwrap_err().code(), "csrf_failed");
        }
    }

    #[test]
    fn cookies_are_ignored_outside_browser_mode() {
        let none = refresh_token_from_cookie(&with_cookies(None), &Settings::default()).unwrap();
        assert!(none.is_none());
    }

    #[test]
    fn the_refresh_cookie_is_http_only_and_the_csrf_cookie_readable() {
        let session = BrowserSession::new("refresh".into());
        let mut builder = actix_web::HttpResponse::Ok();
        session.set_cookies(&mut builder, &browser_mode());
        let response = builder.finish();
        let cookies: Vec<Cookie<'_>> = response.cookies().collect();
        let refresh = cookies.iter().find(|c| c.name() == REFRESH_COOKIE).unwrap();
        assert_eq!(refresh.http_only(), Some(true));
        assert_eq!(refresh.secure(), Some(true));
        assert_eq!(refresh.same_site(), Some(SameSite::Lax));
        assert_eq!(refresh.path(), Some(REFRESH_PATH));
        let csrf = cookies.iter().find(|c| c.name() == CSRF_COOKIE).unwrap();
        assert_ne!(csrf.http_only(), Some(true));
        assert_eq!(csrf.value(), session.csrf_token());
    }
}
