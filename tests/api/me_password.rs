use crate::support::helpers::{TestApp, assert_problem};
use reqwest::StatusCode;
use serde_json::{Value, json};

on_both_backends!(
    password_change_revokes_other_sessions,
    password_change_checks_both_passwords
);

async fn password_change_revokes_other_sessions(app: TestApp) {
    let reader = app.new_reader().await;
    let other: Value = app
        .login(&reader.email, &reader.password)
        .await
        .json()
        .await
        .unwrap();
    let response = app
        .post_json_auth(
            "/v1/me/password",
            &reader.access_token,
            &json!({"current_password": reader.password, "new_password": "a brand new passphrase"}),
        )
        .await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);

    // The session that made the change lives on.
    assert_eq!(
        app.get_auth("/v1/me", &reader.access_token).await.status(),
        StatusCode::OK
    );
    assert_eq!(
        app.refresh(&reader.refresh_token).await.status(),
        StatusCode::OK
    );
    // The other one is over.
    let other_me = app
        .get_auth("/v1/me", other["access_token"].as_str().unwrap())
        .await;
    assert_problem(other_me, StatusCode::UNAUTHORIZED, "session_revoked").await;
    let other_refresh = app.refresh(other["refresh_token"].as_str().unwrap()).await;
    assert_problem(
        other_refresh,
        StatusCode::UNAUTHORIZED,
        "invalid_refresh_token",
    )
    .await;
    // Only the new password logs in.
    assert_eq!(
        app.login(&reader.email, &reader.password).await.status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        app.login(&reader.email, "a brand new passphrase")
            .await
            .status(),
        StatusCode::OK
    );
}

async fn password_change_checks_both_passwords(app: TestApp) {
    let reader = app.new_reader().await;
    let wrong = app
        .post_json_auth(
            "/v1/me/password",
            &reader.access_token,
            &json!({"current_password": "not it at all", "new_password": "a brand new passphrase"}),
        )
        .await;
    assert_problem(wrong, StatusCode::FORBIDDEN, "wrong_password").await;
    let short = app
        .post_json_auth(
            "/v1/me/password",
            &reader.access_token,
            &json!({"current_password": reader.password, "new_password": "short"}),
        )
        .await;
    let body = assert_problem(short, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(body["errors"][0]["field"], "new_password");
    assert_eq!(
        app.login(&reader.email, &reader.password).await.status(),
        StatusCode::OK
    );
}
