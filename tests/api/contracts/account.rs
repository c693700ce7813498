//! Shapes of the operations a reader's own account answers with: health,
//! keys, login, refresh, sessions and profile edits.

use super::shape;
use crate::support::helpers::TestApp;
use reqwest::StatusCode;
use serde_json::json;

on_both_backends!(
    readiness_shape,
    jwks_shape,
    login_and_refresh_shapes,
    sessions_shape,
    profile_edit_shape
);

async fn readiness_shape(app: TestApp) {
    let ready = shape(app.get("/readyz").await, StatusCode::OK).await;
    insta::assert_json_snapshot!("readyz", ready);
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
