//! Moving an account to a new address: password required, the old address
//! told, the change made only when the link sent to the new one is used.

use crate::support::helpers::{TestApp, TestReader, assert_problem};
use crate::support::outbox::{CHANGE, CHANGE_NOTICE, emails_to, latest_token};
use reqwest::StatusCode;
use serde_json::{Value, json};

on_both_backends!(
    the_email_changes_only_once_verified,
    a_change_needs_the_password_and_a_free_address,
    an_address_taken_meanwhile_is_a_conflict
);

async fn request_change(
    app: &TestApp,
    reader: &TestReader,
    new_email: &str,
    password: &str,
) -> reqwest::Response {
    app.post_json_auth(
        "/v1/me/email",
        &reader.access_token,
        &json!({"new_email": new_email, "current_password": password}),
    )
    .await
}

async fn verify(app: &TestApp, token: &str) -> reqwest::Response {
    app.post_json("/v1/auth/verify-email", &json!({"token": token}))
        .await
}

async fn the_email_changes_only_once_verified(app: TestApp) {
    let reader = app.new_reader().await;
    let new_email = "moved@example.com";
    let response = request_change(&app, &reader, new_email, &reader.password).await;
    assert_eq!(response.status(), StatusCode::ACCEPTED);
    assert_eq!(emails_to(&app, new_email, CHANGE).await.len(), 1);
    let notice = emails_to(&app, &reader.email, CHANGE_NOTICE).await;
    assert_eq!(notice.len(), 1);
    assert!(notice[0]["text"].as_str().unwrap().contains(new_email));

    // Nothing changed yet.
    assert_eq!(
        app.login(&reader.email, &reader.password).await.status(),
        StatusCode::OK
    );
    assert_eq!(
        app.login(new_email, &reader.password).await.status(),
        StatusCode::UNAUTHORIZED
    );

    let token = latest_token(&app, new_email, CHANGE).await;
    let verified = verify(&app, &token).await;
    assert_eq!(verified.status(), StatusCode::OK);
    let body: Value = verified.json().await.unwrap();
    assert_eq!(body["email"], new_email);

    assert_eq!(
        app.login(&reader.email, &reader.password).await.status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        app.login(new_email, &reader.password).await.status(),
        StatusCode::OK
    );
    let me: Value = app
        .get_auth("/v1/me", &reader.access_token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(me["email"], new_email);
    assert_eq!(me["email_verified"], true);
    let again = verify(&app, &token).await;
    assert_problem(again, StatusCode::BAD_REQUEST, "invalid_or_expired_token").await;
    // The signup link went to the old address: it verifies nothing now.
    let old_link = latest_token(&app, &reader.email, crate::support::outbox::VERIFY).await;
    let stale = verify(&app, &old_link).await;
    assert_problem(stale, StatusCode::BAD_REQUEST, "invalid_or_expired_token").await;
}

async fn a_change_needs_the_password_and_a_free_address(app: TestApp) {
    let reader = app.new_reader().await;
    let other = app.new_reader().await;
    let wrong = request_change(&app, &reader, "moved@example.com", "not the password").await;
    assert_problem(wrong, StatusCode::FORBIDDEN, "invalid_credentials").await;
    let taken = request_change(&app, &reader, &other.email, &reader.password).await;
    assert_problem(taken, StatusCode::CONFLICT, "email_taken").await;
    let invalid = request_change(&app, &reader, "not an email", &reader.password).await;
    let body = assert_problem(
        invalid,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(body["errors"][0]["field"], "new_email");
    let same = request_change(&app, &reader, &reader.email, &reader.password).await;
    let body = assert_problem(same, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(body["errors"][0]["code"], "unchanged");
    assert!(
        emails_to(&app, "moved@example.com", CHANGE)
            .await
            .is_empty()
    );
    let anonymous = app
        .post_json(
            "/v1/me/email",
            &json!({"new_email": "x@example.com", "current_password": "whatever"}),
        )
        .await;
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
}

async fn an_address_taken_meanwhile_is_a_conflict(app: TestApp) {
    let reader = app.new_reader().await;
    let wanted = "contested@example.com";
    let response = request_change(&app, &reader, wanted, &reader.password).await;
    assert_eq!(response.status(), StatusCode::ACCEPTED);
    let token = latest_token(&app, wanted, CHANGE).await;
    assert_eq!(
        app.signup(wanted, "first come first served", "Other")
            .await
            .status(),
        StatusCode::CREATED
    );
    let conflict = verify(&app, &token).await;
    assert_problem(conflict, StatusCode::CONFLICT, "email_taken").await;
    assert_eq!(
        app.login(&reader.email, &reader.password).await.status(),
        StatusCode::OK
    );
}
