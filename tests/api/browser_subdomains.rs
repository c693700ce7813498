//! Browser mode across subdomains: the site on `https://www.magazine.test`
//! calls the API on `https://api.magazine.test`. The site cannot read the
//! API's cookies, so nothing it must read or keep is needed: after a
//! reload (or in a new tab) it refreshes with the HttpOnly cookie the
//! browser sends by itself plus a constant custom header. CSRF is defended
//! as the OWASP CSRF Prevention Cheat Sheet describes
//! (<https://cheatsheetseries.owasp.org/cheatsheets/Cross-Site_Request_Forgery_Prevention_Cheat_Sheet.html>,
//! "Employing Custom Request Headers for AJAX/API" and "Verifying Origin
//! With Standard Headers"): the custom header forces a CORS preflight
//! (Fetch standard, <https://fetch.spec.whatwg.org/#cors-safelisted-request-header>)
//! that only the allowlisted origin passes, and an `Origin` that is not
//! allowed is refused outright. A real browser runs the same journey in
//! tests/browser/ (journeys/two-tabs.mjs).

use crate::support::helpers::{Backend, TestApp, assert_problem, spawn_app_with};
use reqwest::{Method, Response, StatusCode};
use serde_json::{Value, json};

const SITE: &str = "https://www.magazine.test";
const API: &str = "https://api.magazine.test";
const ATTACKER: &str = "https://evil.example";

async fn subdomains(backend: Backend) -> TestApp {
    spawn_app_with(backend, |s| {
        s.refresh_cookie = true;
        s.public_url = Some(API.to_owned());
        s.site_url = Some(SITE.to_owned());
        s.cors_origins = vec![SITE.to_owned()];
    })
    .await
}

on_both_backends!(with = subdomains;
    a_reload_refreshes_with_only_the_cookie_and_the_header,
    the_preflight_lets_the_site_send_the_header,
    cross_site_request_forgery_from_another_origin_is_refused,
    cross_site_form_post_without_the_header_is_refused,
    logout_from_the_site_clears_the_cookie,
);

/// The `masthead_refresh` value set by a response.
fn refresh_cookie(response: &Response) -> String {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|h| h.to_str().ok())
        .find_map(|h| h.strip_prefix("masthead_refresh="))
        .and_then(|rest| rest.split(';').next())
        .expect("a masthead_refresh cookie")
        .to_owned()
}

/// Signs up and returns the refresh cookie the browser now holds.
async fn logged_in(app: &TestApp) -> String {
    let email = format!("tabs-{}@example.com", uuid::Uuid::new_v4().simple());
    let response = app
        .post_json(
            "/v1/auth/signup",
            &json!({"email": email, "password": "correct horse battery", "name": "Tab Reader"}),
        )
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    assert!(
        response
            .headers()
            .get_all("set-cookie")
            .iter()
            .all(|h| !h.to_str().unwrap().starts_with("masthead_csrf=")),
        "nothing for the site to read"
    );
    refresh_cookie(&response)
}

/// What the site's `fetch(api + path, {method: "POST", credentials:
/// "include", headers: {"X-CSRF-Token": "1"}})` sends.
async fn from_origin(
    app: &TestApp,
    path: &str,
    origin: &str,
    cookie: &str,
    header: bool,
) -> Response {
    let mut request = app
        .client
        .post(app.url(path))
        .header("origin", origin)
        .header("cookie", format!("masthead_refresh={cookie}"));
    if header {
        request = request.header("x-csrf-token", "1");
    }
    request.send().await.unwrap()
}

async fn a_reload_refreshes_with_only_the_cookie_and_the_header(app: TestApp) {
    let cookie = logged_in(&app).await;
    // The page reloaded: no access token, no stored secret, only the cookie.
    let refreshed = from_origin(&app, "/v1/auth/refresh", SITE, &cookie, true).await;
    assert_eq!(refreshed.status(), StatusCode::OK);
    assert_eq!(
        refreshed
            .headers()
            .get("access-control-allow-origin")
            .and_then(|v| v.to_str().ok()),
        Some(SITE)
    );
    let rotated = refresh_cookie(&refreshed);
    assert_ne!(rotated, cookie);
    let body: Value = refreshed.json().await.unwrap();
    assert!(body.get("refresh_token").is_none() && body.get("csrf_token").is_none());
    let me = app
        .get_auth("/v1/me", body["access_token"].as_str().unwrap())
        .await;
    assert_eq!(me.status(), StatusCode::OK);
    // A new tab does the same with the rotated cookie.
    let second = from_origin(&app, "/v1/auth/refresh", SITE, &rotated, true).await;
    assert_eq!(second.status(), StatusCode::OK);
}

async fn the_preflight_lets_the_site_send_the_header(app: TestApp) {
    let preflight = |origin: &'static str| {
        app.client
            .request(Method::OPTIONS, app.url("/v1/auth/refresh"))
            .header("origin", origin)
            .header("access-control-request-method", "POST")
            .header("access-control-request-headers", "x-csrf-token")
            .send()
    };
    let allowed = preflight(SITE).await.unwrap();
    assert_eq!(allowed.status(), StatusCode::OK);
    let headers = allowed.headers();
    assert_eq!(headers["access-control-allow-origin"], SITE);
    assert_eq!(headers["access-control-allow-credentials"], "true");
    assert!(
        headers["access-control-allow-headers"]
            .to_str()
            .unwrap()
            .to_ascii_lowercase()
            .contains("x-csrf-token")
    );
    // The attacker's preflight fails, so its browser never sends the request.
    let refused = preflight(ATTACKER).await.unwrap();
    assert!(
        refused
            .headers()
            .get("access-control-allow-origin")
            .is_none()
    );
    assert_problem(refused, StatusCode::BAD_REQUEST, "cors_refused").await;
}

/// Even a request that skipped the preflight (a non-browser, or a browser
/// bug) is refused when it says it comes from another origin; the session
/// is untouched.
async fn cross_site_request_forgery_from_another_origin_is_refused(app: TestApp) {
    let cookie = logged_in(&app).await;
    for path in ["/v1/auth/refresh", "/v1/auth/logout"] {
        let forged = from_origin(&app, path, ATTACKER, &cookie, true).await;
        assert!(forged.headers().get("set-cookie").is_none());
        assert_problem(forged, StatusCode::FORBIDDEN, "csrf_failed").await;
    }
    let legit = from_origin(&app, "/v1/auth/refresh", SITE, &cookie, true).await;
    assert_eq!(legit.status(), StatusCode::OK, "the login survived");
}

/// A hostile page's `<form method=post action=api/v1/auth/refresh>` (or a
/// `fetch` in `no-cors` mode) sends the cookie but cannot add a header.
async fn cross_site_form_post_without_the_header_is_refused(app: TestApp) {
    let cookie = logged_in(&app).await;
    for content_type in ["application/x-www-form-urlencoded", "text/plain"] {
        let forged = app
            .client
            .post(app.url("/v1/auth/refresh"))
            .header("origin", ATTACKER)
            .header("cookie", format!("masthead_refresh={cookie}"))
            .header("content-type", content_type)
            .body("refresh_token=")
            .send()
            .await
            .unwrap();
        assert!(forged.headers().get("set-cookie").is_none());
        assert!(forged.status().is_client_error(), "{content_type}");
    }
    // A body-less one reaches the CSRF check, even from the site itself.
    for origin in [ATTACKER, SITE] {
        let headerless = from_origin(&app, "/v1/auth/refresh", origin, &cookie, false).await;
        assert_problem(headerless, StatusCode::FORBIDDEN, "csrf_failed").await;
    }
    let legit = from_origin(&app, "/v1/auth/refresh", SITE, &cookie, true).await;
    assert_eq!(legit.status(), StatusCode::OK, "the login survived");
}

async fn logout_from_the_site_clears_the_cookie(app: TestApp) {
    let cookie = logged_in(&app).await;
    let logout = from_origin(&app, "/v1/auth/logout", SITE, &cookie, true).await;
    assert_eq!(logout.status(), StatusCode::NO_CONTENT);
    let cleared = logout.headers().get_all("set-cookie").iter().any(|h| {
        let h = h.to_str().unwrap().to_ascii_lowercase();
        h.starts_with("masthead_refresh=;") && h.contains("max-age=0")
    });
    assert!(cleared);
    let after = from_origin(&app, "/v1/auth/refresh", SITE, &cookie, true).await;
    assert_problem(after, StatusCode::UNAUTHORIZED, "invalid_refresh_token").await;
}
