//! Abuse limits on login: per client address (in memory, per instance)
//! and per account (in the database, whatever the addresses).

use crate::support::helpers::{Backend, TestApp, assert_problem, spawn_app_with};
use diesel::prelude::*;
use masthead::db::schema::login_failures;
use reqwest::{Response, StatusCode};
use serde_json::json;

on_both_backends!(with = behind_a_proxy;
    the_101st_failure_within_the_hour_is_refused_from_any_address,
);
on_both_backends!(with = strict_per_address;
    an_address_over_its_limit_waits,
);
on_both_backends!(with = three_failures_lock;
    a_password_reset_lifts_the_accounts_lock,
);

async fn three_failures_lock(backend: Backend) -> TestApp {
    spawn_app_with(backend, |settings| {
        settings.login_failures_per_hour = 3;
        settings.login_failures_per_address_per_hour = 3;
    })
    .await
}

/// Behind a trusted proxy (the test client), with a per-address limit far
/// below 100, so only the per-account limit can explain a refusal.
async fn behind_a_proxy(backend: Backend) -> TestApp {
    spawn_app_with(backend, |settings| {
        settings.trusted_proxies = vec!["127.0.0.1".parse().unwrap()];
        settings.login_attempts_per_minute = 5;
    })
    .await
}

async fn strict_per_address(backend: Backend) -> TestApp {
    spawn_app_with(backend, |settings| settings.login_attempts_per_minute = 3).await
}

async fn login_from(app: &TestApp, forwarded_for: &str, email: &str, password: &str) -> Response {
    app.client
        .post(app.url("/v1/auth/login"))
        .header("x-forwarded-for", forwarded_for)
        .json(&json!({"email": email, "password": password}))
        .send()
        .await
        .unwrap()
}

async fn the_101st_failure_within_the_hour_is_refused_from_any_address(app: TestApp) {
    let reader = app.new_reader().await;
    for attempt in 0..100_u32 {
        let address = format!("10.0.{}.{}", attempt / 250, attempt % 250 + 1);
        let response = login_from(&app, &address, &reader.email, "wrong guess 123").await;
        assert_eq!(
            response.status(),
            StatusCode::UNAUTHORIZED,
            "attempt {attempt}"
        );
    }
    let refused = login_from(&app, "10.9.9.9", &reader.email, &reader.password).await;
    let retry_after: u64 = refused.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((3000..=3601).contains(&retry_after), "{retry_after}");
    assert_problem(
        refused,
        StatusCode::TOO_MANY_REQUESTS,
        "too_many_failed_logins",
    )
    .await;

    let other = app.new_reader().await;
    let unaffected = login_from(&app, "10.9.9.9", &other.email, &other.password).await;
    assert_eq!(unaffected.status(), StatusCode::OK, "other accounts log in");

    // An hour later the window is over and the real reader gets in.
    let two_hours_ago = chrono::Utc::now().naive_utc() - chrono::Duration::hours(2);
    diesel::update(login_failures::table)
        .set(login_failures::window_start.eq(two_hours_ago))
        .execute(&mut app.db())
        .unwrap();
    let later = login_from(&app, "10.9.9.9", &reader.email, &reader.password).await;
    assert_eq!(later.status(), StatusCode::OK);
    let rows: i64 = login_failures::table
        .filter(login_failures::client.eq("10.9.9.9"))
        .count()
        .get_result(&mut app.db())
        .unwrap();
    assert_eq!(rows, 0, "a successful login forgets its address's failures");
}

async fn an_address_over_its_limit_waits(app: TestApp) {
    let reader = app.new_reader().await;
    for _ in 0..3 {
        let response = app.login(&reader.email, "wrong guess 123").await;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    }
    let limited = app.login(&reader.email, &reader.password).await;
    assert!(limited.headers().contains_key("retry-after"));
    assert_problem(limited, StatusCode::TOO_MANY_REQUESTS, "rate_limited").await;
    // An untrusted peer cannot dodge the limit by claiming another address.
    let spoofed = login_from(&app, "203.0.113.7", &reader.email, &reader.password).await;
    assert_problem(spoofed, StatusCode::TOO_MANY_REQUESTS, "rate_limited").await;
}

async fn a_password_reset_lifts_the_accounts_lock(app: TestApp) {
    let reader = app.new_reader().await;
    for _ in 0..3 {
        let response = app.login(&reader.email, "wrong guess 123").await;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    }
    let locked = app.login(&reader.email, &reader.password).await;
    assert_problem(
        locked,
        StatusCode::TOO_MANY_REQUESTS,
        "too_many_failed_logins",
    )
    .await;
    let asked = app
        .post_json("/v1/auth/password-reset", &json!({"email": reader.email}))
        .await;
    assert_eq!(asked.status(), StatusCode::ACCEPTED);
    let token =
        crate::support::outbox::latest_token(&app, &reader.email, crate::support::outbox::RESET)
            .await;
    let confirmed = app
        .post_json(
            "/v1/auth/password-reset/confirm",
            &json!({"token": token, "new_password": "a brand new passphrase"}),
        )
        .await;
    assert_eq!(confirmed.status(), StatusCode::NO_CONTENT);
    let back = app.login(&reader.email, "a brand new passphrase").await;
    assert_eq!(back.status(), StatusCode::OK);
}
