//! The error contract: every bad input gets problem+json, never a 500.

use crate::support::helpers::{TestApp, assert_problem};
use reqwest::StatusCode;
use serde_json::json;

on_both_backends!(
    malformed_json_is_400,
    wrong_json_types_are_422,
    bodies_over_64_kib_are_413,
    non_json_content_type_is_415,
    unknown_routes_are_404,
);

async fn malformed_json_is_400(app: TestApp) {
    let response = app
        .client
        .post(app.url("/v1/auth/signup"))
        .header("content-type", "application/json")
        .body(r#"{"email": "a@example.com", "password": "#)
        .send()
        .await
        .unwrap();
    assert_problem(response, StatusCode::BAD_REQUEST, "malformed_json").await;
}

async fn wrong_json_types_are_422(app: TestApp) {
    let response = app
        .post_json(
            "/v1/auth/signup",
            &json!({"email": 42, "password": ["x"], "name": null}),
        )
        .await;
    assert_problem(
        response,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    let not_an_object = app.post_json("/v1/auth/login", &json!([1, 2, 3])).await;
    assert_problem(
        not_an_object,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
}

async fn bodies_over_64_kib_are_413(app: TestApp) {
    let huge = json!({"email": "a@example.com", "password": "x".repeat(70 * 1024), "name": "A"});
    let response = app.post_json("/v1/auth/signup", &huge).await;
    assert_problem(response, StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large").await;
    // Just under the limit is decoded (and then refused for its content).
    let under = json!({"email": "a@example.com", "password": "x".repeat(60 * 1024), "name": "A"});
    let response = app.post_json("/v1/auth/signup", &under).await;
    assert_problem(
        response,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
}

async fn non_json_content_type_is_415(app: TestApp) {
    let response = app
        .client
        .post(app.url("/v1/auth/login"))
        .header("content-type", "text/plain")
        .body("email=a@example.com")
        .send()
        .await
        .unwrap();
    assert_problem(
        response,
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "unsupported_media_type",
    )
    .await;
}

async fn unknown_routes_are_404(app: TestApp) {
    assert_problem(
        app.get("/v1/nothing-here").await,
        StatusCode::NOT_FOUND,
        "route_not_found",
    )
    .await;
}
