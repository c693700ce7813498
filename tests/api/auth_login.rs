use crate::support::helpers::{TestApp, assert_problem};
use reqwest::StatusCode;
use serde_json::{Value, json};

on_both_backends!(
    login_returns_a_new_session,
    wrong_password_and_unknown_email_are_indistinguishable,
    login_lists_missing_fields,
    a_long_password_is_checked_in_full,
);

async fn login_returns_a_new_session(app: TestApp) {
    let reader = app.new_reader().await;
    let response = app.login(&reader.email, &reader.password).await;
    assert_eq!(response.status(), StatusCode::OK);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["expires_in"], 900);
    assert_ne!(body["refresh_token"], reader.refresh_token.as_str());
    let me = app
        .get_auth("/v1/me", body["access_token"].as_str().unwrap())
        .await;
    assert_eq!(me.status(), StatusCode::OK);
}

async fn wrong_password_and_unknown_email_are_indistinguishable(app: TestApp) {
    let reader = app.new_reader().await;
    let wrong_password = app.login(&reader.email, "not the password").await;
    let unknown_email = app.login("nobody@example.com", "not the password").await;
    let malformed_email = app.login("nobody", "not the password").await;
    let status = wrong_password.status();
    let bodies = [
        wrong_password.bytes().await.unwrap(),
        unknown_email.bytes().await.unwrap(),
        malformed_email.bytes().await.unwrap(),
    ];
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(bodies[0], bodies[1]);
    assert_eq!(bodies[0], bodies[2]);
    let problem: Value = serde_json::from_slice(&bodies[0]).unwrap();
    assert_eq!(problem["code"], "invalid_credentials");
}

async fn login_lists_missing_fields(app: TestApp) {
    let response = app.post_json("/v1/auth/login", &json!({})).await;
    let body = assert_problem(
        response,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(body["errors"].as_array().unwrap().len(), 2);
}

async fn a_long_password_is_checked_in_full(app: TestApp) {
    let password = format!("{}A", "a".repeat(127));
    let email = "long@example.com";
    assert_eq!(
        app.signup(email, &password, "Long").await.status(),
        StatusCode::CREATED
    );
    let truncated = format!("{}B", "a".repeat(127));
    assert_eq!(
        app.login(email, &truncated).await.status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(app.login(email, &password).await.status(), StatusCode::OK);
}
