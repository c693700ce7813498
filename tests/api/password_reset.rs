//! Password reset by emailed token: same answer for every address, one
//! use, every session ended, never interchangeable with session tokens.

use crate::support::helpers::{TestApp, assert_problem};
use crate::support::outbox::{CHANGED, RESET, emails_to, latest_token};
use diesel::prelude::*;
use masthead::settings::Settings;
use reqwest::StatusCode;
use serde_json::{Value, json};

on_both_backends!(
    reset_end_to_end_through_the_outbox,
    every_address_gets_the_same_answer,
    reset_and_session_tokens_are_not_interchangeable,
    confirm_needs_a_token_and_json
);
on_both_backends!(with = |backend| crate::support::helpers::spawn_app_with(backend, expired_links); an_expired_reset_token_is_refused);
on_both_backends!(with = |backend| crate::support::helpers::spawn_app_with(backend, no_cooldown); a_reset_spends_the_other_reset_links);
on_both_backends!(with = |backend| crate::support::helpers::spawn_app_with(backend, unreachable_smtp); a_mail_server_down_changes_nothing_for_the_reader);

fn unreachable_smtp(settings: &mut Settings) {
    // Nothing listens on port 1: every send fails (and is logged).
    settings.smtp_url = Some("smtp://127.0.0.1:1".into());
    settings.smtp_timeout_seconds = 2;
}

fn expired_links(settings: &mut Settings) {
    settings.password_reset_ttl_minutes = 0;
}

fn no_cooldown(settings: &mut Settings) {
    settings.verification_resend_cooldown_seconds = 0;
}

async fn request_reset(app: &TestApp, email: &str) -> (StatusCode, Value) {
    let response = app
        .post_json("/v1/auth/password-reset", &json!({"email": email}))
        .await;
    (response.status(), response.json().await.unwrap())
}

async fn confirm(app: &TestApp, token: &str, new_password: &str) -> reqwest::Response {
    app.post_json(
        "/v1/auth/password-reset/confirm",
        &json!({"token": token, "new_password": new_password}),
    )
    .await
}

async fn reset_end_to_end_through_the_outbox(app: TestApp) {
    let reader = app.new_reader().await;
    let other: Value = app
        .login(&reader.email, &reader.password)
        .await
        .json()
        .await
        .unwrap();
    let (status, _) = request_reset(&app, &reader.email).await;
    assert_eq!(status, StatusCode::ACCEPTED);
    let reset = emails_to(&app, &reader.email, RESET).await;
    assert_eq!(reset.len(), 1);
    assert!(
        reset[0]["text"]
            .as_str()
            .unwrap()
            .contains(&format!("{}/reset-password?token=", app.address)),
        "links use the public URL"
    );
    let token = latest_token(&app, &reader.email, RESET).await;

    // Unacceptable passwords are refused without spending the token.
    let common = confirm(&app, &token, "password").await;
    let body = assert_problem(
        common,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(body["errors"][0]["field"], "new_password");
    assert_eq!(body["errors"][0]["code"], "too_common");
    let numbers = confirm(&app, &token, "123456789").await;
    let body = assert_problem(
        numbers,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(body["errors"][0]["code"], "too_common");
    let own = confirm(&app, &token, &reader.email.to_uppercase()).await;
    let body = assert_problem(own, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(body["errors"][0]["code"], "same_as_email");

    let done = confirm(&app, &token, "a fresh reset passphrase").await;
    assert_eq!(done.status(), StatusCode::NO_CONTENT);

    // Every session is over, the one that asked included.
    for access in [
        reader.access_token.as_str(),
        other["access_token"].as_str().unwrap(),
    ] {
        let me = app.get_auth("/v1/me", access).await;
        assert_problem(me, StatusCode::UNAUTHORIZED, "session_revoked").await;
    }
    for refresh in [
        reader.refresh_token.as_str(),
        other["refresh_token"].as_str().unwrap(),
    ] {
        assert_eq!(
            app.refresh(refresh).await.status(),
            StatusCode::UNAUTHORIZED
        );
    }
    // The token worked once.
    let again = confirm(&app, &token, "yet another passphrase").await;
    assert_problem(again, StatusCode::BAD_REQUEST, "invalid_or_expired_token").await;
    // The reader is told.
    assert_eq!(emails_to(&app, &reader.email, CHANGED).await.len(), 1);
    // Only the new password logs in.
    assert_eq!(
        app.login(&reader.email, &reader.password).await.status(),
        StatusCode::UNAUTHORIZED
    );
    let login = app.login(&reader.email, "a fresh reset passphrase").await;
    assert_eq!(login.status(), StatusCode::OK);
    // Receiving the link proved the address.
    let body: Value = login.json().await.unwrap();
    assert_eq!(body["reader"]["email_verified"], true);
}

async fn every_address_gets_the_same_answer(app: TestApp) {
    let reader = app.new_reader().await;
    let (known_status, known) = request_reset(&app, &reader.email).await;
    for other in [
        "nobody@example.com",
        "not an email",
        "",
        &reader.email.to_uppercase(),
    ] {
        let (status, body) = request_reset(&app, other).await;
        assert_eq!(status, known_status, "{other:?}");
        assert_eq!(body, known, "{other:?}");
    }
    assert_eq!(known_status, StatusCode::ACCEPTED);
    for odd in [json!({"email": 5}), json!({}), json!([1, 2]), json!("text")] {
        let response = app.post_json("/v1/auth/password-reset", &odd).await;
        assert_eq!(response.status(), StatusCode::ACCEPTED, "{odd}");
        assert_eq!(response.json::<Value>().await.unwrap(), known, "{odd}");
    }
    assert!(
        emails_to(&app, "nobody@example.com", RESET)
            .await
            .is_empty()
    );
    // Within the cooldown, a second request sends nothing more.
    assert_eq!(emails_to(&app, &reader.email, RESET).await.len(), 1);
    let not_json = app
        .client
        .post(app.url("/v1/auth/password-reset"))
        .header("content-type", "application/json")
        .body("{nope")
        .send()
        .await
        .unwrap();
    assert_eq!(not_json.status(), StatusCode::BAD_REQUEST);
}

async fn reset_and_session_tokens_are_not_interchangeable(app: TestApp) {
    let reader = app.new_reader().await;
    request_reset(&app, &reader.email).await;
    let reset = latest_token(&app, &reader.email, RESET).await;
    for session_token in [&reader.refresh_token, &reader.access_token] {
        let refused = confirm(&app, session_token, "a fresh reset passphrase").await;
        assert_problem(refused, StatusCode::BAD_REQUEST, "invalid_or_expired_token").await;
    }
    let as_refresh = app.refresh(&reset).await;
    assert_problem(
        as_refresh,
        StatusCode::UNAUTHORIZED,
        "invalid_refresh_token",
    )
    .await;
    let as_bearer = app.get_auth("/v1/me", &reset).await;
    assert_eq!(as_bearer.status(), StatusCode::UNAUTHORIZED);
    // A verification token is no reset token either.
    let verify = latest_token(&app, &reader.email, crate::support::outbox::VERIFY).await;
    let refused = confirm(&app, &verify, "a fresh reset passphrase").await;
    assert_problem(refused, StatusCode::BAD_REQUEST, "invalid_or_expired_token").await;
    // Nor the other way round.
    let refused = app
        .post_json("/v1/auth/verify-email", &json!({"token": reset}))
        .await;
    assert_problem(refused, StatusCode::BAD_REQUEST, "invalid_or_expired_token").await;
    // None of this spent the reset token or logged the reader out.
    assert_eq!(
        confirm(&app, &reset, "a fresh reset passphrase")
            .await
            .status(),
        StatusCode::NO_CONTENT
    );
}

async fn confirm_needs_a_token_and_json(app: TestApp) {
    let missing = app
        .post_json(
            "/v1/auth/password-reset/confirm",
            &json!({"new_password": "a fresh reset passphrase"}),
        )
        .await;
    let body = assert_problem(
        missing,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(body["errors"][0]["field"], "token");
    let unknown = confirm(&app, "made-up-token", "a fresh reset passphrase").await;
    assert_problem(unknown, StatusCode::BAD_REQUEST, "invalid_or_expired_token").await;
}

async fn an_expired_reset_token_is_refused(app: TestApp) {
    let reader = app.new_reader().await;
    request_reset(&app, &reader.email).await;
    let token = latest_token(&app, &reader.email, RESET).await;
    let expired = confirm(&app, &token, "a fresh reset passphrase").await;
    assert_problem(expired, StatusCode::BAD_REQUEST, "invalid_or_expired_token").await;
    assert_eq!(
        app.login(&reader.email, &reader.password).await.status(),
        StatusCode::OK
    );
}

async fn a_reset_spends_the_other_reset_links(app: TestApp) {
    let reader = app.new_reader().await;
    request_reset(&app, &reader.email).await;
    let first = latest_token(&app, &reader.email, RESET).await;
    request_reset(&app, &reader.email).await;
    let second = latest_token(&app, &reader.email, RESET).await;
    assert_ne!(first, second);
    assert_eq!(
        confirm(&app, &second, "a fresh reset passphrase")
            .await
            .status(),
        StatusCode::NO_CONTENT
    );
    let stale = confirm(&app, &first, "another reset passphrase").await;
    assert_problem(stale, StatusCode::BAD_REQUEST, "invalid_or_expired_token").await;
}

async fn a_mail_server_down_changes_nothing_for_the_reader(app: TestApp) {
    let reader = app.new_reader().await;
    let started = std::time::Instant::now();
    let (status, body) = request_reset(&app, &reader.email).await;
    assert_eq!(status, StatusCode::ACCEPTED);
    let (_, unknown) = request_reset(&app, "nobody@example.com").await;
    assert_eq!(body, unknown);
    assert!(started.elapsed() < std::time::Duration::from_secs(2));
    assert!(
        !app.data_dir.path().join("outbox").exists(),
        "SMTP replaces the outbox"
    );
    // The messages wait in the queue, retried until the server is back
    // (tests/api/jobs.rs follows one through).
    let queued: i64 = masthead::db::schema::jobs::table
        .filter(masthead::db::schema::jobs::kind.eq("send_email"))
        .filter(masthead::db::schema::jobs::state.ne("done"))
        .count()
        .get_result(&mut app.db())
        .unwrap();
    assert_eq!(queued, 2, "the verification and the reset email");
}
