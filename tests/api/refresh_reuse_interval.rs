//! The refresh-token reuse interval (`MASTHEAD_REFRESH_REUSE_INTERVAL_SECONDS`,
//! default 30): two tabs whose access tokens expire together both refresh
//! the same token; the slower one gets a sibling pair of the same session
//! instead of ending it. After the interval, presenting a rotated token is
//! still theft and revokes the whole family. This follows Auth0's "Reuse
//! interval" of refresh token rotation
//! (<https://auth0.com/docs/secure/tokens/refresh-tokens/configure-refresh-token-rotation>)
//! and Okta's "Grace period for token rotation"
//! (<https://developer.okta.com/docs/guides/refresh-tokens/main/#refresh-token-rotation>).

use crate::support::helpers::{Backend, TestApp, TestReader, assert_problem, spawn_app_with};
use diesel::prelude::*;
use masthead::auth::RefreshToken;
use masthead::db::schema::refresh_tokens;
use reqwest::StatusCode;
use serde_json::Value;

/// The app with the default interval of 30 s.
async fn with_interval(backend: Backend) -> TestApp {
    spawn_app_with(backend, |settings| {
        settings.refresh_reuse_interval_seconds = 30;
    })
    .await
}

on_both_backends!(with = with_interval;
    two_tabs_refreshing_at_once_both_stay_logged_in,
    a_retry_inside_the_interval_gets_a_sibling_pair,
    reuse_after_the_interval_still_revokes_the_family,
);

async fn refreshed(app: &TestApp, token: &str) -> Value {
    let response = app.refresh(token).await;
    let status = response.status();
    let body: Value = response.json().await.unwrap();
    assert_eq!(status, StatusCode::OK, "{body}");
    body
}

fn text(body: &Value, field: &str) -> String {
    body[field].as_str().unwrap().to_owned()
}

async fn still_logged_in(app: &TestApp, pair: &Value) {
    let me = app.get_auth("/v1/me", &text(pair, "access_token")).await;
    assert_eq!(me.status(), StatusCode::OK);
}

/// Moves the rotation of `token` `seconds` into the past.
fn rotated_ago(app: &TestApp, token: &str, seconds: i64) {
    let used = chrono::Utc::now().naive_utc() - chrono::Duration::seconds(seconds);
    let updated = diesel::update(
        refresh_tokens::table.filter(refresh_tokens::token_hash.eq(RefreshToken::hash_of(token))),
    )
    .set(refresh_tokens::used_at.eq(used))
    .execute(&mut app.db())
    .unwrap();
    assert_eq!(updated, 1);
}

async fn two_tabs_refreshing_at_once_both_stay_logged_in(app: TestApp) {
    let reader: TestReader = app.new_reader().await;
    let (one, two) = tokio::join!(
        app.refresh(&reader.refresh_token),
        app.refresh(&reader.refresh_token)
    );
    assert_eq!(
        (one.status(), two.status()),
        (StatusCode::OK, StatusCode::OK)
    );
    let one: Value = one.json().await.unwrap();
    let two: Value = two.json().await.unwrap();
    assert_ne!(text(&one, "refresh_token"), text(&two, "refresh_token"));
    // Both tabs keep going, each with its own chain, in one session.
    for tab in [&one, &two] {
        still_logged_in(&app, tab).await;
        let next = refreshed(&app, &text(tab, "refresh_token")).await;
        still_logged_in(&app, &next).await;
    }
    let sessions: Value = app
        .get_auth("/v1/me/sessions", &text(&one, "access_token"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        sessions["items"].as_array().unwrap().len(),
        1,
        "one login, one session"
    );
}

async fn a_retry_inside_the_interval_gets_a_sibling_pair(app: TestApp) {
    let reader = app.new_reader().await;
    let first = refreshed(&app, &reader.refresh_token).await;
    rotated_ago(&app, &reader.refresh_token, 25);
    let sibling = refreshed(&app, &reader.refresh_token).await;
    assert_ne!(
        text(&first, "refresh_token"),
        text(&sibling, "refresh_token")
    );
    still_logged_in(&app, &first).await;
    still_logged_in(&app, &sibling).await;
    // The sibling is stored as a hash only, like every refresh token.
    let stored: Vec<String> = refresh_tokens::table
        .select(refresh_tokens::token_hash)
        .load(&mut app.db())
        .unwrap();
    let plain = text(&sibling, "refresh_token");
    assert!(!stored.contains(&plain));
    assert!(stored.contains(&RefreshToken::hash_of(&plain)));
}

async fn reuse_after_the_interval_still_revokes_the_family(app: TestApp) {
    let reader = app.new_reader().await;
    let first = refreshed(&app, &reader.refresh_token).await;
    rotated_ago(&app, &reader.refresh_token, 31);
    let replay = app.refresh(&reader.refresh_token).await;
    assert_problem(replay, StatusCode::UNAUTHORIZED, "refresh_token_reused").await;
    let newest = app.refresh(&text(&first, "refresh_token")).await;
    assert_problem(newest, StatusCode::UNAUTHORIZED, "invalid_refresh_token").await;
    let me = app.get_auth("/v1/me", &text(&first, "access_token")).await;
    assert_problem(me, StatusCode::UNAUTHORIZED, "session_revoked").await;
}
