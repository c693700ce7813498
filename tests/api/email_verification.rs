//! Email verification: the link sent at signup, its single use, resending
//! with a cooldown, and checkout gated on it when configured.

use crate::support::billing_fixtures::checkout;
use crate::support::helpers::{TestApp, assert_problem};
use crate::support::outbox::{VERIFY, emails_to, latest_token};
use masthead::settings::Settings;
use reqwest::StatusCode;
use serde_json::{Value, json};

on_both_backends!(
    signup_emails_a_link_that_verifies_once,
    resending_inside_the_cooldown_is_429,
    bad_tokens_are_refused
);
on_both_backends!(with = |backend| crate::support::helpers::spawn_app_with(backend, no_cooldown); resending_after_the_cooldown_sends_a_new_link);
on_both_backends!(with = |backend| crate::support::helpers::spawn_app_with(backend, verified_checkout); checkout_can_require_a_verified_email);

fn no_cooldown(settings: &mut Settings) {
    settings.verification_resend_cooldown_seconds = 0;
}

fn verified_checkout(settings: &mut Settings) {
    settings.require_verified_email_for_checkout = true;
}

async fn verify(app: &TestApp, token: &str) -> reqwest::Response {
    app.post_json("/v1/auth/verify-email", &json!({"token": token}))
        .await
}

async fn resend(app: &TestApp, access_token: &str) -> reqwest::Response {
    app.post_json_auth("/v1/auth/verify-email/resend", access_token, &json!({}))
        .await
}

/// A fresh access token: the first verification ends the sessions opened
/// before it (see `security_account_takeover`), so the reader logs in again.
async fn log_in_again(app: &TestApp, reader: &crate::support::helpers::TestReader) -> String {
    let body: Value = app
        .login(&reader.email, &reader.password)
        .await
        .json()
        .await
        .unwrap();
    body["access_token"].as_str().unwrap().to_owned()
}

async fn verified(app: &TestApp, access_token: &str) -> bool {
    let me: Value = app
        .get_auth("/v1/me", access_token)
        .await
        .json()
        .await
        .unwrap();
    me["email_verified"].as_bool().unwrap()
}

async fn signup_emails_a_link_that_verifies_once(app: TestApp) {
    let reader = app.new_reader().await;
    let emails = emails_to(&app, &reader.email, VERIFY).await;
    assert_eq!(emails.len(), 1);
    let text = emails[0]["text"].as_str().unwrap();
    assert!(text.contains(&format!("{}/verify-email?token=", app.address)));
    assert!(emails[0]["html"].as_str().unwrap().contains("<a href="));
    assert!(!verified(&app, &reader.access_token).await);

    let token = latest_token(&app, &reader.email, VERIFY).await;
    let response = verify(&app, &token).await;
    assert_eq!(response.status(), StatusCode::OK);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["email"], reader.email);
    assert_eq!(body["email_verified"], true);
    let access_token = log_in_again(&app, &reader).await;
    assert!(verified(&app, &access_token).await);

    let again = verify(&app, &token).await;
    assert_problem(again, StatusCode::BAD_REQUEST, "invalid_or_expired_token").await;
    let resent = resend(&app, &access_token).await;
    assert_problem(resent, StatusCode::CONFLICT, "already_verified").await;
}

async fn resending_inside_the_cooldown_is_429(app: TestApp) {
    let reader = app.new_reader().await;
    let response = resend(&app, &reader.access_token).await;
    let retry_after: u64 = response.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=60).contains(&retry_after), "{retry_after}");
    assert_problem(
        response,
        StatusCode::TOO_MANY_REQUESTS,
        "verification_recently_sent",
    )
    .await;
    assert_eq!(emails_to(&app, &reader.email, VERIFY).await.len(), 1);
    let anonymous = app
        .post_json("/v1/auth/verify-email/resend", &json!({}))
        .await;
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
}

async fn resending_after_the_cooldown_sends_a_new_link(app: TestApp) {
    let reader = app.new_reader().await;
    let first = latest_token(&app, &reader.email, VERIFY).await;
    let response = resend(&app, &reader.access_token).await;
    assert_eq!(response.status(), StatusCode::ACCEPTED);
    let second = latest_token(&app, &reader.email, VERIFY).await;
    assert_ne!(first, second);
    assert_eq!(verify(&app, &second).await.status(), StatusCode::OK);
    assert!(verified(&app, &log_in_again(&app, &reader).await).await);
}

async fn bad_tokens_are_refused(app: TestApp) {
    let reader = app.new_reader().await;
    for token in ["unknown-token", &reader.refresh_token, &reader.access_token] {
        let refused = verify(&app, token).await;
        assert_problem(refused, StatusCode::BAD_REQUEST, "invalid_or_expired_token").await;
    }
    let empty = app.post_json("/v1/auth/verify-email", &json!({})).await;
    assert_problem(empty, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert!(!verified(&app, &reader.access_token).await);
}

async fn checkout_can_require_a_verified_email(app: TestApp) {
    let reader = app.new_reader().await;
    let refused = checkout(&app, &reader, "digital", "month").await;
    assert_problem(refused, StatusCode::FORBIDDEN, "email_not_verified").await;
    let token = latest_token(&app, &reader.email, VERIFY).await;
    assert_eq!(verify(&app, &token).await.status(), StatusCode::OK);
    let reader = crate::support::helpers::TestReader {
        access_token: log_in_again(&app, &reader).await,
        ..reader
    };
    let allowed = checkout(&app, &reader, "digital", "month").await;
    assert_eq!(allowed.status(), StatusCode::CREATED);
}
