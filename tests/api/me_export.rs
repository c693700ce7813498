//! `GET /v1/me/export`: everything Masthead holds about the reader as one
//! JSON download, the right of access of GDPR art. 15
//! (<https://gdpr-info.eu/art-15-gdpr/>): profile, subscriptions, payments
//! and refunds, refund requests, checkouts, every login (ended ones too)
//! and the customer records at payment providers; never a secret (password
//! or token hashes), never another reader's data.

use crate::support::billing_fixtures::subscribe;
use crate::support::helpers::TestApp;
use reqwest::StatusCode;
use serde_json::{Value, json};

on_both_backends!(
    the_export_holds_everything_about_the_reader,
    the_export_holds_no_secrets_and_no_other_reader,
);

async fn export(app: &TestApp, token: &str) -> (reqwest::header::HeaderMap, Value) {
    let response = app.get_auth("/v1/me/export", token).await;
    assert_eq!(response.status(), StatusCode::OK);
    let headers = response.headers().clone();
    (headers, response.json().await.unwrap())
}

async fn the_export_holds_everything_about_the_reader(app: TestApp) {
    let reader = app.new_reader().await;
    subscribe(&app, &reader, "digital", "month").await;
    app.post_json_auth(
        "/v1/me/subscription/refund-request",
        &reader.access_token,
        &json!({"reason": "changed my mind"}),
    )
    .await;
    // A second login, then ended: both appear, the ended one with why.
    let phone: Value = app
        .login(&reader.email, &reader.password)
        .await
        .json()
        .await
        .unwrap();
    let logout = app
        .post_json_auth(
            "/v1/auth/logout",
            phone["access_token"].as_str().unwrap(),
            &json!({}),
        )
        .await;
    assert_eq!(logout.status(), StatusCode::NO_CONTENT);

    let (headers, body) = export(&app, &reader.access_token).await;
    let disposition = headers["content-disposition"].to_str().unwrap();
    assert!(
        disposition.starts_with("attachment") && disposition.contains("masthead-export.json"),
        "{disposition}"
    );
    assert_eq!(headers["cache-control"], "no-store");
    assert_eq!(body["profile"]["id"], reader.id.as_str());
    assert_eq!(body["profile"]["email"], reader.email.as_str());
    assert_eq!(body["sessions"].as_array().unwrap().len(), 2);
    let ended: Vec<&Value> = body["sessions"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| !s["revoked_at"].is_null())
        .collect();
    assert_eq!(ended.len(), 1);
    assert_eq!(ended[0]["revoked_reason"], "logout");
    let payments = body["payments"].as_array().unwrap();
    assert_eq!(payments.len(), 1);
    assert_eq!(
        payments[0]["subscription_id"],
        body["subscriptions"][0]["id"]
    );
    assert_eq!(body["checkouts"][0]["status"], "completed");
    assert_eq!(body["refund_requests"][0]["reason"], "changed my mind");

    insta::assert_json_snapshot!("me_export", body, {
        ".exported_at" => "[timestamp]",
        ".profile.id" => "[id]",
        ".profile.email" => "[email]",
        ".profile.created_at" => "[timestamp]",
        ".subscriptions[].id" => "[id]",
        ".subscriptions[].current_period_start" => "[timestamp]",
        ".subscriptions[].current_period_end" => "[timestamp]",
        ".subscriptions[].started_at" => "[timestamp]",
        ".payments[].id" => "[id]",
        ".payments[].subscription_id" => "[id]",
        ".payments[].at" => "[timestamp]",
        ".refund_requests[].id" => "[id]",
        ".refund_requests[].subscription_id" => "[id]",
        ".refund_requests[].created_at" => "[timestamp]",
        ".checkouts[].id" => "[id]",
        ".checkouts[].subscription_id" => "[id]",
        ".checkouts[].created_at" => "[timestamp]",
        ".checkouts[].completed_at" => "[timestamp]",
        ".sessions[].id" => "[id]",
        ".sessions[].created_at" => "[timestamp]",
        ".sessions[].last_used_at" => "[timestamp]",
        ".sessions[].expires_at" => "[timestamp]",
        ".sessions[].revoked_at" => "[timestamp]",
        ".sessions[].user_agent" => "[user agent]",
        ".sessions[].ip" => "[ip]",
    });
}

async fn the_export_holds_no_secrets_and_no_other_reader(app: TestApp) {
    let reader = app.new_reader().await;
    let other = app.new_reader().await;
    subscribe(&app, &other, "digital", "month").await;
    let response = app.get_auth("/v1/me/export", &reader.access_token).await;
    let text = response.text().await.unwrap();
    for secret in ["$argon2", "password", "token_hash", &reader.refresh_token] {
        assert!(!text.contains(secret), "{secret} in the export: {text}");
    }
    assert!(!text.contains(&other.email) && !text.contains(&other.id));
    let body: Value = serde_json::from_str(&text).unwrap();
    for empty in ["subscriptions", "payments", "refund_requests", "checkouts"] {
        assert!(body[empty].as_array().unwrap().is_empty(), "{empty}");
    }
}
