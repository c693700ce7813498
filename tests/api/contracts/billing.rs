//! Shapes of the reader's billing operations through the development
//! provider: opening a checkout, cancelling and resuming, the billing
//! portal, changing plan; and Stripe's webhook acknowledging an event.

use super::shape;
use crate::support::billing_fixtures::{checkout, post_empty, subscribe};
use crate::support::helpers::{TestApp, TestReader};
use crate::support::reader_fixtures::give_address;
use crate::support::stripe_events::{deliver, purchase, spawn_with_webhooks};
use reqwest::StatusCode;
use serde_json::{Value, json};

on_both_backends!(
    checkout_shape,
    cancel_and_resume_shapes,
    portal_shapes,
    upgrade_shape,
    downgrade_shapes
);
on_both_backends!(with = spawn_with_webhooks; webhook_ack_shapes);

/// Asks for a plan change as `reader`; returns the redacted answer.
async fn change(app: &TestApp, reader: &TestReader, body: &Value) -> Value {
    let response = app
        .post_json_auth("/v1/me/subscription/change", &reader.access_token, body)
        .await;
    shape(response, StatusCode::OK).await
}

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

async fn portal_shapes(app: TestApp) {
    let reader = app.new_reader().await;
    subscribe(&app, &reader, "digital", "month").await;
    let portal = shape(
        app.post_json_auth("/v1/billing/portal", &reader.access_token, &json!({}))
            .await,
        StatusCode::OK,
    )
    .await;
    insta::assert_json_snapshot!("billing_portal", portal);
    let page = shape(
        app.get_auth("/v1/billing/dev/portal", &reader.access_token)
            .await,
        StatusCode::OK,
    )
    .await;
    insta::assert_json_snapshot!("billing_dev_portal", page);
}

async fn upgrade_shape(app: TestApp) {
    let reader = app.new_reader().await;
    give_address(&app, &reader, "1 Fleet Street").await;
    subscribe(&app, &reader, "digital", "month").await;
    let mut upgraded = change(&app, &reader, &json!({"tier": "print"})).await;
    // The proration counts the seconds left in the period.
    let prorated = &mut upgraded["change"]["prorated_amount_cents"];
    assert!(prorated.is_i64(), "{prorated}");
    *prorated = "[cents]".into();
    insta::assert_json_snapshot!("plan_change_upgrade", upgraded);
}

async fn downgrade_shapes(app: TestApp) {
    let reader = app.new_reader().await;
    subscribe(&app, &reader, "digital", "year").await;
    let asked = change(&app, &reader, &json!({"interval": "month"})).await;
    insta::assert_json_snapshot!("plan_change_downgrade", asked);
    let pending = shape(
        app.get_auth("/v1/me/subscription/change", &reader.access_token)
            .await,
        StatusCode::OK,
    )
    .await;
    insta::assert_json_snapshot!("plan_change_pending", pending);
    let undone = shape(
        app.post_json_auth(
            "/v1/me/subscription/change/undo",
            &reader.access_token,
            &json!({}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    insta::assert_json_snapshot!("plan_change_undone", undone);
}

async fn webhook_ack_shapes(app: TestApp) {
    let reader = app.new_reader().await;
    let paid = purchase(&app, &reader).session_completed(chrono::Utc::now().timestamp());
    let applied = shape(deliver(&app, &paid).await, StatusCode::OK).await;
    insta::assert_json_snapshot!("webhook_ack", applied);
    let again = shape(deliver(&app, &paid).await, StatusCode::OK).await;
    insta::assert_json_snapshot!("webhook_ack_duplicate", again);
}
