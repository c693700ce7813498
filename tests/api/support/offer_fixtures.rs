//! Offers and trials the way an admin and a front-end make them: an offer
//! created through `POST /v1/admin/offers`, a price's trial through
//! `PATCH /v1/admin/tiers/{tier}/trial`, and checkouts carrying
//! `offer_code`.

use crate::support::helpers::{TestApp, TestReader};
use masthead::domain::Role;
use reqwest::{Response, StatusCode};
use serde_json::{Value, json};

/// Creates an offer as a new admin with `body` (a code and plans filled in
/// when left out); returns the admin's view of it.
pub async fn create_offer(app: &TestApp, mut body: Value) -> Value {
    let admin = app.new_staff(Role::Admin).await;
    let fields = body.as_object_mut().unwrap();
    fields.entry("name").or_insert_with(|| json!("Test offer"));
    fields
        .entry("plans")
        .or_insert_with(|| json!([{"tier": "digital", "interval": "month"}]));
    let response = app
        .post_json_auth("/v1/admin/offers", &admin.access_token, &body)
        .await;
    let status = response.status();
    let created: Value = response.json().await.unwrap();
    assert_eq!(status, StatusCode::CREATED, "{created}");
    created
}

/// Sets the free trial of `tier`'s `interval` price as a new admin.
pub async fn set_trial(app: &TestApp, tier: &str, interval: &str, days: i64) {
    let admin = app.new_staff(Role::Admin).await;
    let response = app
        .client
        .patch(app.url(&format!("/v1/admin/tiers/{tier}/trial")))
        .bearer_auth(&admin.access_token)
        .json(&json!({"interval": interval, "trial_days": days}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
}

/// Starts a checkout of digital monthly as `reader` with `code`.
pub async fn checkout_with(app: &TestApp, reader: &TestReader, code: &str) -> Response {
    checkout_plan(app, reader, "digital", "month", Some(code)).await
}

/// Starts a checkout of `tier` and `interval` as `reader`, with an offer
/// code or none.
pub async fn checkout_plan(
    app: &TestApp,
    reader: &TestReader,
    tier: &str,
    interval: &str,
    code: Option<&str>,
) -> Response {
    app.post_json_auth(
        "/v1/billing/checkout",
        &reader.access_token,
        &json!({"tier": tier, "interval": interval, "offer_code": code}),
    )
    .await
}

/// The admin list's entry for `code`.
pub async fn admin_offer(app: &TestApp, code: &str) -> Value {
    let admin = app.new_staff(Role::Admin).await;
    let listed: Value = app
        .get_auth("/v1/admin/offers", &admin.access_token)
        .await
        .json()
        .await
        .unwrap();
    listed["offers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|offer| offer["code"] == code)
        .cloned()
        .unwrap_or_else(|| panic!("no offer {code} in {listed}"))
}
