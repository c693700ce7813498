use crate::support::helpers::{TestApp, assert_problem};
use reqwest::StatusCode;
use serde_json::json;

on_both_backends!(logout_ends_the_session, logout_needs_a_session);

async fn logout_ends_the_session(app: TestApp) {
    let reader = app.new_reader().await;
    let response = app
        .post_json_auth("/v1/auth/logout", &reader.access_token, &json!({}))
        .await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert_problem(
        app.get_auth("/v1/me", &reader.access_token).await,
        StatusCode::UNAUTHORIZED,
        "session_revoked",
    )
    .await;
    assert_problem(
        app.refresh(&reader.refresh_token).await,
        StatusCode::UNAUTHORIZED,
        "invalid_refresh_token",
    )
    .await;
    // Logging in again works.
    assert_eq!(
        app.login(&reader.email, &reader.password).await.status(),
        StatusCode::OK
    );
}

async fn logout_needs_a_session(app: TestApp) {
    let response = app
        .client
        .post(app.url("/v1/auth/logout"))
        .send()
        .await
        .unwrap();
    assert_problem(response, StatusCode::UNAUTHORIZED, "missing_token").await;
}
