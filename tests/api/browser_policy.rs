//! What browsers are told: CORS for the configured origins only, and the
//! security headers on every kind of response.

use crate::support::helpers::{Backend, TestApp, assert_problem, spawn_app_with};
use reqwest::{Method, Response, StatusCode};

const ALLOWED: &str = "https://www.magazine.example";
const STRANGER: &str = "https://evil.example";

async fn cors_app(backend: Backend) -> TestApp {
    spawn_app_with(backend, |s| {
        s.cors_origins = vec![ALLOWED.to_owned(), "http://localhost:3000".to_owned()];
    })
    .await
}

async fn simple_get(app: &TestApp, origin: &str) -> Response {
    app.client
        .get(app.url("/v1/plans"))
        .header("origin", origin)
        .send()
        .await
        .unwrap()
}

async fn preflight(app: &TestApp, origin: &str) -> Response {
    app.client
        .request(Method::OPTIONS, app.url("/v1/auth/refresh"))
        .header("origin", origin)
        .header("access-control-request-method", "POST")
        .header(
            "access-control-request-headers",
            "content-type,x-csrf-token",
        )
        .send()
        .await
        .unwrap()
}

fn header<'a>(response: &'a Response, name: &str) -> Option<&'a str> {
    response.headers().get(name).map(|v| v.to_str().unwrap())
}

async fn an_allowed_origin_may_call_with_credentials(backend: Backend) {
    let app = cors_app(backend).await;
    let get = simple_get(&app, ALLOWED).await;
    assert_eq!(get.status(), StatusCode::OK);
    assert_eq!(header(&get, "access-control-allow-origin"), Some(ALLOWED));
    assert_eq!(
        header(&get, "access-control-allow-credentials"),
        Some("true")
    );
    let exposed = header(&get, "access-control-expose-headers")
        .unwrap()
        .to_ascii_lowercase();
    assert!(exposed.contains("x-request-id") && exposed.contains("retry-after"));

    let options = preflight(&app, ALLOWED).await;
    assert_eq!(options.status(), StatusCode::OK);
    assert_eq!(
        header(&options, "access-control-allow-origin"),
        Some(ALLOWED)
    );
    assert_eq!(
        header(&options, "access-control-allow-credentials"),
        Some("true")
    );
    assert_eq!(header(&options, "access-control-max-age"), Some("600"));
    let methods = header(&options, "access-control-allow-methods").unwrap();
    for method in ["GET", "POST", "PATCH", "PUT", "DELETE"] {
        assert!(methods.contains(method), "{method} not in {methods}");
    }
    let headers = header(&options, "access-control-allow-headers")
        .unwrap()
        .to_ascii_lowercase();
    for name in [
        "authorization",
        "content-type",
        "x-csrf-token",
        "idempotency-key",
        "x-request-id",
    ] {
        assert!(headers.contains(name), "{name} not in {headers}");
    }

    let local = preflight(&app, "http://localhost:3000").await;
    assert_eq!(
        header(&local, "access-control-allow-origin"),
        Some("http://localhost:3000")
    );
}

async fn other_origins_get_no_cors_headers(backend: Backend) {
    let app = cors_app(backend).await;
    let get = simple_get(&app, STRANGER).await;
    assert_eq!(
        get.status(),
        StatusCode::OK,
        "the browser, not the server, blocks the read"
    );
    assert_eq!(header(&get, "access-control-allow-origin"), None);

    let options = preflight(&app, STRANGER).await;
    assert_eq!(header(&options, "access-control-allow-origin"), None);
    assert_problem(options, StatusCode::BAD_REQUEST, "cors_refused").await;

    // By default no origin at all is allowed.
    let closed = spawn_app_with(backend, |_| {}).await;
    let options = preflight(&closed, ALLOWED).await;
    assert_eq!(header(&options, "access-control-allow-origin"), None);
    assert_eq!(options.status(), StatusCode::BAD_REQUEST);
    assert_eq!(
        header(
            &simple_get(&closed, ALLOWED).await,
            "access-control-allow-origin"
        ),
        None
    );
}

fn assert_security_headers(response: &Response, what: &str) {
    for (name, value) in [
        ("x-content-type-options", "nosniff"),
        ("x-frame-options", "DENY"),
        (
            "content-security-policy",
            "default-src 'none'; frame-ancestors 'none'",
        ),
        ("referrer-policy", "no-referrer"),
        ("cross-origin-opener-policy", "same-origin"),
    ] {
        assert_eq!(header(response, name), Some(value), "{name} on {what}");
    }
    assert!(header(response, "permissions-policy").is_some_and(|p| p.contains("camera=()")));
}

async fn every_response_carries_the_security_headers(backend: Backend) {
    let app = spawn_app_with(backend, |_| {}).await;
    let ok = app.get("/healthz").await;
    assert_eq!(ok.status(), StatusCode::OK);
    assert_security_headers(&ok, "a 200");
    assert_eq!(header(&ok, "strict-transport-security"), None, "plain http");
    assert_eq!(
        header(&ok, "cache-control"),
        None,
        "public paths may be cached"
    );

    let missing = app.get("/no/such/page").await;
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    assert_security_headers(&missing, "a 404");

    let problem = app.get("/v1/me").await;
    assert_security_headers(&problem, "a problem");
    assert_eq!(header(&problem, "cache-control"), Some("private, no-store"));
    assert_problem(problem, StatusCode::UNAUTHORIZED, "missing_token").await;

    let reader = app.new_reader().await;
    let me = app
        .get_auth("/v1/me/subscription", &reader.access_token)
        .await;
    assert_eq!(header(&me, "cache-control"), Some("private, no-store"));
    let login = app.login(&reader.email, &reader.password).await;
    assert_security_headers(&login, "a login");
    assert_eq!(header(&login, "cache-control"), Some("private, no-store"));
    let jwks = app.get("/.well-known/jwks.json").await;
    assert_eq!(header(&jwks, "cache-control"), Some("public, max-age=300"));
}

async fn https_deployments_send_hsts(backend: Backend) {
    let app = spawn_app_with(backend, |s| {
        s.public_url = Some("https://api.magazine.example".to_owned());
    })
    .await;
    for path in ["/healthz", "/v1/me"] {
        let response = app.get(path).await;
        assert_eq!(
            header(&response, "strict-transport-security"),
            Some("max-age=31536000")
        );
    }
}

on_both_backends!(with = crate::support::helpers::the_backend;
    an_allowed_origin_may_call_with_credentials,
    other_origins_get_no_cors_headers,
    every_response_carries_the_security_headers,
    https_deployments_send_hsts,
);
