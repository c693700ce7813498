//! Shapes of the operations a reader's own account answers with: health,
//! the OpenAPI document, keys, login, refresh, sessions, profile edits, and
//! the emailed links (verification, password reset, email change).

use super::shape;
use crate::support::helpers::{TestApp, spawn_app_with};
use crate::support::outbox::{CHANGE, VERIFY, latest_token};
use reqwest::StatusCode;
use serde_json::{Value, json};

on_both_backends!(
    readiness_shape,
    openapi_document_shape,
    jwks_shape,
    login_and_refresh_shapes,
    sessions_shape,
    profile_edit_shape,
    password_reset_shape,
    email_change_shapes
);
// A resend right after the signup's email would wait out the cooldown.
on_both_backends!(
    with = |backend| spawn_app_with(backend, |s| s.verification_resend_cooldown_seconds = 0);
    email_verification_shapes
);

async fn readiness_shape(app: TestApp) {
    let ready = shape(app.get("/readyz").await, StatusCode::OK).await;
    insta::assert_json_snapshot!("readyz", ready);
}

async fn openapi_document_shape(app: TestApp) {
    let mut document = shape(app.get("/openapi.json").await, StatusCode::OK).await;
    // The skeleton is the contract here: which sections, operations' paths
    // and schema names there are. The operations themselves are checked by
    // `operations.rs` and `openapi_validity.rs`, their answers by the other
    // snapshots; the prose and the crate's version change without notice.
    for pointer in ["/paths", "/components/schemas"] {
        let section = document.pointer_mut(pointer).expect("a section");
        let names: Vec<Value> = section
            .as_object()
            .expect("an object")
            .keys()
            .map(|name| name.as_str().into())
            .collect();
        *section = names.into();
    }
    document["info"]["description"] = "[text]".into();
    document["info"]["version"] = "[version]".into();
    insta::assert_json_snapshot!("openapi_document", document);
}

async fn jwks_shape(app: TestApp) {
    let mut keys = shape(app.get("/.well-known/jwks.json").await, StatusCode::OK).await;
    // The key material is made per test app; its names and kinds are the contract.
    for key in keys["keys"].as_array_mut().expect("a key list") {
        for part in ["n", "e", "x", "y", "kid"] {
            if key.get(part).is_some() {
                key[part] = "[key]".into();
            }
        }
    }
    insta::assert_json_snapshot!("jwks", keys);
}

async fn login_and_refresh_shapes(app: TestApp) {
    let reader = app.new_reader().await;
    let login = shape(
        app.login(&reader.email, &reader.password).await,
        StatusCode::OK,
    )
    .await;
    insta::assert_json_snapshot!("login", login);
    let refreshed = shape(app.refresh(&reader.refresh_token).await, StatusCode::OK).await;
    insta::assert_json_snapshot!("refresh", refreshed);
}

async fn sessions_shape(app: TestApp) {
    let reader = app.new_reader().await;
    let sessions = shape(
        app.get_auth("/v1/me/sessions", &reader.access_token).await,
        StatusCode::OK,
    )
    .await;
    insta::assert_json_snapshot!("me_sessions", sessions);
}

async fn profile_edit_shape(app: TestApp) {
    let reader = app.new_reader().await;
    let response = app
        .client
        .patch(app.url("/v1/me"))
        .bearer_auth(&reader.access_token)
        .json(&json!({"name": "Ada King", "shipping_address": {
            "line1": "1 Fleet Street", "city": "London", "postal_code": "EC4Y 1AA", "country": "GB"
        }}))
        .send()
        .await
        .expect("request sent");
    let edited = shape(response, StatusCode::OK).await;
    insta::assert_json_snapshot!("me_patched", edited);
}

async fn password_reset_shape(app: TestApp) {
    let reader = app.new_reader().await;
    let asked = shape(
        app.post_json("/v1/auth/password-reset", &json!({"email": reader.email}))
            .await,
        StatusCode::ACCEPTED,
    )
    .await;
    insta::assert_json_snapshot!("password_reset_accepted", asked);
}

async fn email_verification_shapes(app: TestApp) {
    let reader = app.new_reader().await;
    let resent = shape(
        app.post_json_auth(
            "/v1/auth/verify-email/resend",
            &reader.access_token,
            &json!({}),
        )
        .await,
        StatusCode::ACCEPTED,
    )
    .await;
    insta::assert_json_snapshot!("verify_email_resent", resent);
    let token = latest_token(&app, &reader.email, VERIFY).await;
    let verified = shape(
        app.post_json("/v1/auth/verify-email", &json!({"token": token}))
            .await,
        StatusCode::OK,
    )
    .await;
    insta::assert_json_snapshot!("verify_email", verified);
}

async fn email_change_shapes(app: TestApp) {
    let reader = app.new_reader().await;
    let new_email = format!("moved-{}", reader.email);
    let asked = shape(
        app.post_json_auth(
            "/v1/me/email",
            &reader.access_token,
            &json!({"new_email": new_email, "current_password": reader.password}),
        )
        .await,
        StatusCode::ACCEPTED,
    )
    .await;
    insta::assert_json_snapshot!("email_change_accepted", asked);
    // The link sent to the new address answers as a verification does.
    let token = latest_token(&app, &new_email, CHANGE).await;
    let moved = shape(
        app.post_json("/v1/auth/verify-email", &json!({"token": token}))
            .await,
        StatusCode::OK,
    )
    .await;
    insta::assert_json_snapshot!("email_change_verified", moved);
}
