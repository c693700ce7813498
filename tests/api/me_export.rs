//! `GET /v1/me/export`: everything Masthead holds about the reader as one
//! JSON download, the right of access of GDPR art. 15
//! (<https://gdpr-info.eu/art-15-gdpr/>): profile, subscriptions, payments
//! and refunds, refund requests, checkouts, every login (ended ones too)
//! and the customer records at payment providers; never a secret (password
//! or token hashes), never another reader's data.

use crate::support::billing_fixtures::subscribe;
use crate::support::checkout_fixtures::{browser, form_token, page};
use crate::support::helpers::TestApp;
use crate::support::outbox::{token_in, wait_for_email};
use diesel::prelude::*;
use masthead::db::schema::gifts;
use reqwest::StatusCode;
use serde_json::{Value, json};

on_both_backends!(
    the_export_holds_everything_about_the_reader,
    the_export_holds_no_secrets_and_no_other_reader,
    the_export_holds_gifts_bought_and_redeemed_without_their_tokens,
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

/// Redacts a value as `to`, but shows a `null` as it is.
fn unless_null(to: &'static str) -> insta::internals::Redaction {
    insta::dynamic_redaction(
        move |value, _| {
            if value.is_nil() { value } else { to.into() }
        },
    )
}

/// Orders a gift of `body` (logged in as `token`, when given) and pays it
/// on the development page; returns the gift's id.
async fn gift_paid(app: &TestApp, token: Option<&str>, body: &Value) -> String {
    let response = match token {
        Some(token) => app.post_json_auth("/v1/gifts/checkout", token, body).await,
        None => app.post_json("/v1/gifts/checkout", body).await,
    };
    assert_eq!(response.status(), StatusCode::CREATED);
    let opened: Value = response.json().await.unwrap();
    let id = opened["checkout_id"].as_str().unwrap().to_owned();
    let html = page(opened["url"].as_str().unwrap()).await;
    browser()
        .post(app.url(&format!("/v1/gifts/dev/checkout/{id}/pay")))
        .form(&[("token", form_token(&html))])
        .send()
        .await
        .unwrap();
    id
}

/// The reader bought a gift (logged in) for a friend, and redeemed one an
/// aunt sent them: both are in the export with the reader's side of each,
/// and with none of the gift links' tokens (the refund link of the receipt,
/// the redemption link, the payment page's form token), so a leaked
/// export can neither redeem nor refund a gift; nor the friend's account.
async fn the_export_holds_gifts_bought_and_redeemed_without_their_tokens(app: TestApp) {
    let reader = app.new_reader().await;
    let bought = gift_paid(
        &app,
        Some(&reader.access_token),
        &json!({"tier": "digital", "months": 3, "recipient_email": "friend@example.com",
                "buyer_email": reader.email, "message": "For the train"}),
    )
    .await;
    let receipt = wait_for_email(&app, &reader.email, "Your gift subscription: receipt").await;
    let refund_token = token_in(&receipt);
    let friend_link = token_in(&wait_for_email(&app, "friend@example.com", "A gift for you").await);
    let friend = app.new_reader().await;
    let redeemed = app
        .client
        .post(app.url(&format!("/v1/gifts/{friend_link}/redeem")))
        .bearer_auth(&friend.access_token)
        .send()
        .await
        .unwrap();
    assert_eq!(redeemed.status(), StatusCode::CREATED);

    let received = gift_paid(
        &app,
        None,
        &json!({"tier": "digital", "months": 1, "recipient_email": reader.email,
                "buyer_email": "aunt@example.com"}),
    )
    .await;
    let link = token_in(&wait_for_email(&app, &reader.email, "A gift for you").await);
    let response = app
        .client
        .post(app.url(&format!("/v1/gifts/{link}/redeem")))
        .bearer_auth(&reader.access_token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::CREATED);

    let response = app.get_auth("/v1/me/export", &reader.access_token).await;
    assert_eq!(response.status(), StatusCode::OK);
    let text = response.text().await.unwrap();
    let page_tokens: Vec<Option<String>> = gifts::table
        .select(gifts::page_token)
        .load(&mut app.db())
        .unwrap();
    let hashes: Vec<(Option<String>, Option<String>)> = gifts::table
        .select((gifts::redeem_token_hash, gifts::refund_token_hash))
        .load(&mut app.db())
        .unwrap();
    let mut secrets = vec![refund_token, friend_link, link, friend.id.clone()];
    secrets.extend(page_tokens.into_iter().flatten());
    for (redeem, refund) in hashes {
        secrets.extend(redeem.into_iter().chain(refund));
    }
    for secret in &secrets {
        assert!(
            !text.contains(secret.as_str()),
            "{secret} in the export: {text}"
        );
    }
    assert!(
        !text.contains("/v1/gifts/dev/checkout"),
        "no payment page: {text}"
    );

    let body: Value = serde_json::from_str(&text).unwrap();
    let gifts = body["gifts"].as_array().unwrap();
    assert_eq!(gifts.len(), 2, "{body:#}");
    let of = |id: &str| gifts.iter().find(|g| g["id"] == id).unwrap();
    assert_eq!(of(&bought)["role"], "bought");
    assert_eq!(of(&bought)["status"], "redeemed");
    assert_eq!(of(&bought)["message"], "For the train");
    assert!(of(&bought)["subscription_id"].is_null(), "the friend's");
    assert_eq!(of(&received)["role"], "redeemed");
    assert_eq!(of(&received)["buyer_email"], "aunt@example.com");
    assert_eq!(
        of(&received)["subscription_id"],
        body["subscriptions"][0]["id"]
    );
    assert!(of(&received)["provider_payment_id"].is_null(), "the aunt's");

    insta::assert_json_snapshot!("me_export_gifts", body["gifts"], {
        "[].id" => "[id]",
        "[].buyer_email" => "[email]",
        "[].recipient_email" => "[email]",
        "[].provider_payment_id" => unless_null("[payment]"),
        "[].subscription_id" => unless_null("[id]"),
        "[].created_at" => "[timestamp]",
        "[].paid_at" => "[timestamp]",
        "[].deliver_at" => "[timestamp]",
        "[].delivered_at" => "[timestamp]",
        "[].redeemed_at" => "[timestamp]",
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
    for empty in [
        "subscriptions",
        "payments",
        "refund_requests",
        "checkouts",
        "gifts",
    ] {
        assert!(body[empty].as_array().unwrap().is_empty(), "{empty}");
    }
}
