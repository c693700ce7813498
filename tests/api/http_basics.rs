//! HTTP basics a front-end and its monitors take for granted: `HEAD`
//! answers every `GET` route, an origin that is not allowed gets no CORS
//! headers at all, and dates in problem `detail`s are RFC 3339 to the
//! second.

use crate::support::billing_fixtures::{post_empty, subscribe};
use crate::support::helpers::{Backend, TestApp, assert_problem, spawn_app_with};
use reqwest::{Method, Response, StatusCode};
use serde_json::Value;

on_both_backends!(
    head_answers_every_get_route_like_get_without_a_body,
    problem_details_write_dates_as_rfc3339_to_the_second,
);

/// RFC 9110 §9.3.2 (<https://www.rfc-editor.org/rfc/rfc9110#section-9.3.2>):
/// `HEAD` is `GET` without the content, same status and headers. Every
/// `GET` path of the OpenAPI document is tried (path parameters filled
/// with a placeholder, so most of those answer 404 to both).
async fn head_answers_every_get_route_like_get_without_a_body(app: TestApp) {
    let document: Value = app.get("/openapi.json").await.json().await.unwrap();
    let mut paths: Vec<String> = document["paths"]
        .as_object()
        .unwrap()
        .iter()
        .filter(|(_, item)| item.get("get").is_some())
        .map(|(path, _)| fill_parameters(path))
        .collect();
    paths.push("/docs".to_owned());
    assert!(paths.len() > 20, "{paths:?}");
    let mut ok = 0;
    for path in &paths {
        let get = app.client.get(app.url(path)).send().await.unwrap();
        let head = app
            .client
            .request(Method::HEAD, app.url(path))
            .send()
            .await
            .unwrap();
        assert_eq!(head.status(), get.status(), "HEAD {path}");
        assert_eq!(
            header(&head, "content-type"),
            header(&get, "content-type"),
            "HEAD {path}"
        );
        assert!(
            head.bytes().await.unwrap().is_empty(),
            "HEAD {path} has a body"
        );
        ok += usize::from(get.status() == StatusCode::OK);
    }
    assert!(ok >= 8, "only {ok} GET routes answered 200 anonymously");
    // A monitor's probe of the health check, exactly.
    let head = app
        .client
        .request(Method::HEAD, app.url("/healthz"))
        .send()
        .await
        .unwrap();
    assert_eq!(head.status(), StatusCode::OK);
}

fn fill_parameters(path: &str) -> String {
    let mut filled = String::new();
    let mut rest = path;
    while let Some(start) = rest.find('{') {
        filled.push_str(&rest[..start]);
        filled.push_str("placeholder");
        rest = rest[start..].split_once('}').map_or("", |(_, after)| after);
    }
    filled.push_str(rest);
    filled
}

fn header(response: &Response, name: &str) -> Option<String> {
    response
        .headers()
        .get(name)
        .map(|v| v.to_str().unwrap().to_owned())
}

fn cors_headers(response: &Response) -> Vec<String> {
    response
        .headers()
        .keys()
        .map(|name| name.as_str().to_owned())
        .filter(|name| name.starts_with("access-control-"))
        .collect()
}

const ALLOWED: &str = "https://www.magazine.example";

async fn request(app: &TestApp, method: Method, path: &str, origin: &str) -> Response {
    app.client
        .request(method, app.url(path))
        .header("origin", origin)
        .send()
        .await
        .unwrap()
}

/// The Fetch standard's CORS check
/// (<https://fetch.spec.whatwg.org/#cors-check>) needs nothing but
/// `Access-Control-Allow-Origin` to refuse; `Allow-Credentials` and
/// `Expose-Headers` sent to a stranger only tell it how the API is set up.
/// Simple requests, errors and refused preflights from an origin that is
/// not allowed, with origins configured and without: no `Access-Control-*`
/// header at all; the allowed origin still gets its headers.
async fn cors_answers_to_a_stranger_carry_no_cors_headers(backend: Backend) {
    let app = spawn_app_with(backend, |s| s.cors_origins = vec![ALLOWED.to_owned()]).await;
    let closed = spawn_app_with(backend, |_| {}).await;
    for app in [&app, &closed] {
        for (method, path) in [
            (Method::GET, "/v1/plans"),
            (Method::GET, "/v1/me"),
            (Method::POST, "/v1/auth/logout"),
            (Method::HEAD, "/v1/plans"),
        ] {
            let response = request(app, method.clone(), path, "https://evil.example").await;
            assert_eq!(
                cors_headers(&response),
                Vec::<String>::new(),
                "{method} {path}"
            );
        }
        let preflight = app
            .client
            .request(Method::OPTIONS, app.url("/v1/auth/refresh"))
            .header("origin", "https://evil.example")
            .header("access-control-request-method", "POST")
            .send()
            .await
            .unwrap();
        assert_eq!(cors_headers(&preflight), Vec::<String>::new());
        assert_problem(preflight, StatusCode::BAD_REQUEST, "cors_refused").await;
    }
    let allowed = request(&app, Method::GET, "/v1/plans", ALLOWED).await;
    assert_eq!(
        header(&allowed, "access-control-allow-origin").as_deref(),
        Some(ALLOWED)
    );
    assert_eq!(
        header(&allowed, "access-control-allow-credentials").as_deref(),
        Some("true")
    );
}

mod cors_answers_to_a_stranger_carry_no_cors_headers {
    #[tokio::test]
    async fn sqlite() {
        super::cors_answers_to_a_stranger_carry_no_cors_headers(
            crate::support::helpers::Backend::Sqlite,
        )
        .await;
    }

    #[tokio::test]
    async fn postgres() {
        super::cors_answers_to_a_stranger_carry_no_cors_headers(
            crate::support::helpers::Backend::Postgres,
        )
        .await;
    }
}

/// A date in a `detail` is what a front-end can parse back with
/// `new Date(...)` and a person can read: `2026-06-30T12:00:00Z`, RFC 3339
/// (<https://www.rfc-editor.org/rfc/rfc3339#section-5.6>) in UTC, to the
/// second, never nanoseconds or `+00:00`.
async fn problem_details_write_dates_as_rfc3339_to_the_second(app: TestApp) {
    let reader = app.new_reader().await;
    let subscription = subscribe(&app, &reader, "digital", "month").await;
    let period_end =
        chrono::DateTime::parse_from_rfc3339(subscription["current_period_end"].as_str().unwrap())
            .unwrap()
            .with_timezone(&chrono::Utc);
    let cancel = post_empty(&app, "/v1/me/subscription/cancel", &reader).await;
    assert_eq!(cancel.status(), StatusCode::OK);
    let again = post_empty(&app, "/v1/me/subscription/cancel", &reader).await;
    let problem = assert_problem(again, StatusCode::CONFLICT, "already_canceling").await;
    let expected = period_end.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    assert_eq!(
        problem["detail"],
        format!("your subscription already ends on {expected}; resume it to keep it")
    );
    assert!(
        expected.ends_with('Z') && expected.len() == 20,
        "{expected}"
    );
}
