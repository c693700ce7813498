//! Shapes of the reader's billing operations through the development
//! provider: opening a checkout, cancelling and resuming.

use super::shape;
use crate::support::billing_fixtures::{checkout, post_empty, subscribe};
use crate::support::helpers::TestApp;
use reqwest::StatusCode;
use serde_json::json;

on_both_backends!(checkout_shape, cancel_and_resume_shapes);

async fn checkout_shape(app: TestApp) {
    let reader = app.new_reader().await;
    let opened = shape(
        checkout(&app, &reader, "digital", "month").await,
        StatusCode::CREATED,
    )
    .await;
    insta::assert_json_snapshot!("billing_checkout", opened);
}

async fn cancel_and_resume_shapes(app: TestApp) {
    let reader = app.new_reader().await;
    subscribe(&app, &reader, "digital", "month").await;
    let canceling = shape(
        app.post_json_auth(
            "/v1/me/subscription/cancel",
            &reader.access_token,
            &json!({"reason": "Too many magazines."}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    insta::assert_json_snapshot!("subscription_cancel", canceling);
    let resumed = shape(
        post_empty(&app, "/v1/me/subscription/resume", &reader).await,
        StatusCode::OK,
    )
    .await;
    insta::assert_json_snapshot!("subscription_resume", resumed);
}
