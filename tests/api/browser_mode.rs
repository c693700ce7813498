//! Browser mode (`MASTHEAD_REFRESH_COOKIE`): the refresh token travels in an
//! HttpOnly cookie, and refresh and logout by cookie need the custom
//! `X-CSRF-Token` header (any value). Cookies are read from `Set-Cookie` and
//! sent back by hand. Across subdomains: browser_subdomains.rs.

use crate::support::helpers::{Backend, TestApp, assert_problem, spawn_app, spawn_app_with};
use reqwest::{Response, StatusCode};
use serde_json::{Value, json};
use std::collections::HashMap;

/// One `Set-Cookie`: its value and lower-cased attributes.
#[derive(Debug)]
struct SetCookie {
    value: String,
    attributes: Vec<String>,
}

impl SetCookie {
    fn has(&self, attribute: &str) -> bool {
        self.attributes.iter().any(|a| a == attribute)
    }
}

fn set_cookies(response: &Response) -> HashMap<String, SetCookie> {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|header| {
            let text = header.to_str().unwrap();
            let mut parts = text.split(';').map(str::trim);
            let (name, value) = parts.next().unwrap().split_once('=').unwrap();
            let attributes = parts.map(str::to_ascii_lowercase).collect();
            (
                name.to_owned(),
                SetCookie {
                    value: value.to_owned(),
                    attributes,
                },
            )
        })
        .collect()
}

/// The browser's cookie jar after a login or refresh.
struct Jar {
    refresh: String,
}

impl Jar {
    fn of(response: &Response) -> Self {
        let cookies = set_cookies(response);
        Self {
            refresh: cookies["masthead_refresh"].value.clone(),
        }
    }

    fn header(&self) -> String {
        format!("masthead_refresh={}", self.refresh)
    }
}

async fn post_with_cookies(app: &TestApp, path: &str, jar: &Jar, csrf: Option<&str>) -> Response {
    let mut request = app
        .client
        .post(app.url(path))
        .header("cookie", jar.header());
    if let Some(csrf) = csrf {
        request = request.header("x-csrf-token", csrf);
    }
    request.send().await.unwrap()
}

async fn browser_app(backend: Backend) -> TestApp {
    spawn_app_with(backend, |s| s.refresh_cookie = true).await
}

async fn sign_up(app: &TestApp) -> (Response, String, String) {
    let email = format!("browser-{}@example.com", uuid::Uuid::new_v4().simple());
    let password = "correct horse battery".to_owned();
    let response = app.signup(&email, &password, "Browser Reader").await;
    assert_eq!(response.status(), StatusCode::CREATED);
    (response, email, password)
}

async fn login_sets_the_cookies_instead_of_the_body(backend: Backend) {
    let app = browser_app(backend).await;
    let (signup, email, password) = sign_up(&app).await;
    assert!(set_cookies(&signup).contains_key("masthead_refresh"));

    let login = app.login(&email, &password).await;
    assert_eq!(login.status(), StatusCode::OK);
    let cookies = set_cookies(&login);
    let refresh = &cookies["masthead_refresh"];
    for attribute in [
        "httponly",
        "secure",
        "samesite=lax",
        "path=/v1/auth",
        "max-age=2592000",
    ] {
        assert!(
            refresh.has(attribute),
            "refresh cookie lacks {attribute}: {refresh:?}"
        );
    }
    assert!(
        !cookies.contains_key("masthead_csrf"),
        "no double-submit cookie"
    );
    let body: Value = login.json().await.unwrap();
    assert!(body.get("refresh_token").is_none(), "not in JSON: {body}");
    assert!(
        body.get("csrf_token").is_none(),
        "no secret to keep: {body}"
    );
    assert_eq!(
        app.get_auth("/v1/me", body["access_token"].as_str().unwrap())
            .await
            .status(),
        StatusCode::OK
    );
}

async fn refresh_by_cookie_needs_the_custom_header(backend: Backend) {
    let app = browser_app(backend).await;
    let (signup, _, _) = sign_up(&app).await;
    let jar = Jar::of(&signup);

    for csrf in [None, Some("")] {
        let refused = post_with_cookies(&app, "/v1/auth/refresh", &jar, csrf).await;
        assert!(set_cookies(&refused).is_empty());
        assert_problem(refused, StatusCode::FORBIDDEN, "csrf_failed").await;
    }

    let refreshed = post_with_cookies(&app, "/v1/auth/refresh", &jar, Some("1")).await;
    assert_eq!(refreshed.status(), StatusCode::OK);
    let rotated = Jar::of(&refreshed);
    assert_ne!(rotated.refresh, jar.refresh, "the cookie is rotated");
    let body: Value = refreshed.json().await.unwrap();
    assert!(body.get("refresh_token").is_none());
    assert!(body.get("csrf_token").is_none());
    assert_eq!(
        app.get_auth("/v1/me", body["access_token"].as_str().unwrap())
            .await
            .status(),
        StatusCode::OK
    );

    // The rotated-away cookie is spent: replaying it ends the session.
    let replay = post_with_cookies(&app, "/v1/auth/refresh", &jar, Some("1")).await;
    assert_problem(replay, StatusCode::UNAUTHORIZED, "refresh_token_reused").await;

    let no_cookie = app
        .client
        .post(app.url("/v1/auth/refresh"))
        .send()
        .await
        .unwrap();
    assert_problem(no_cookie, StatusCode::UNAUTHORIZED, "missing_refresh_token").await;
}

async fn logout_by_cookie_clears_the_cookies(backend: Backend) {
    let app = browser_app(backend).await;
    let (signup, _, _) = sign_up(&app).await;
    let jar = Jar::of(&signup);
    let body: Value = signup.json().await.unwrap();

    let refused = post_with_cookies(&app, "/v1/auth/logout", &jar, None).await;
    assert_problem(refused, StatusCode::FORBIDDEN, "csrf_failed").await;

    let logout = post_with_cookies(&app, "/v1/auth/logout", &jar, Some("1")).await;
    assert_eq!(logout.status(), StatusCode::NO_CONTENT);
    let cleared = set_cookies(&logout);
    for name in ["masthead_refresh", "masthead_csrf"] {
        let cookie = &cleared[name];
        assert!(
            cookie.value.is_empty() && cookie.has("max-age=0"),
            "{name}: {cookie:?}"
        );
    }
    assert_problem(
        app.get_auth("/v1/me", body["access_token"].as_str().unwrap())
            .await,
        StatusCode::UNAUTHORIZED,
        "session_revoked",
    )
    .await;
    let after = post_with_cookies(&app, "/v1/auth/refresh", &jar, Some("1")).await;
    assert_problem(after, StatusCode::UNAUTHORIZED, "invalid_refresh_token").await;
}

async fn logout_by_bearer_also_clears_the_cookies(backend: Backend) {
    let app = browser_app(backend).await;
    let (signup, _, _) = sign_up(&app).await;
    let body: Value = signup.json().await.unwrap();
    let logout = app
        .post_json_auth(
            "/v1/auth/logout",
            body["access_token"].as_str().unwrap(),
            &json!({}),
        )
        .await;
    assert_eq!(logout.status(), StatusCode::NO_CONTENT);
    assert!(set_cookies(&logout)["masthead_refresh"].has("max-age=0"));
}

async fn cookies_are_ignored_outside_browser_mode(backend: Backend) {
    let app = spawn_app(backend).await;
    let reader = app.new_reader().await;
    let jar = Jar {
        refresh: reader.refresh_token.clone(),
    };
    let refused = post_with_cookies(&app, "/v1/auth/refresh", &jar, Some("csrf")).await;
    assert_problem(
        refused,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    let refreshed = app.refresh(&reader.refresh_token).await;
    assert!(set_cookies(&refreshed).is_empty());
    let body: Value = refreshed.json().await.unwrap();
    assert!(body["refresh_token"].is_string() && body.get("csrf_token").is_none());
}

on_both_backends!(with = crate::support::helpers::the_backend;
    login_sets_the_cookies_instead_of_the_body,
    refresh_by_cookie_needs_the_custom_header,
    logout_by_cookie_clears_the_cookies,
    logout_by_bearer_also_clears_the_cookies,
    cookies_are_ignored_outside_browser_mode,
);
