//! One-click unsubscribe from optional mail: the perk launch's
//! `List-Unsubscribe` and `List-Unsubscribe-Post` headers (RFC 2369 §3.2,
//! RFC 8058 §3.1), the POST its URI takes, that a GET of it (RFC 8058
//! §3.2: link scanners) changes nothing, that forged and altered tokens
//! are refused alike; and that transactional mail ignores the preference
//! and writes dates in the reader's zone, naming it.

use crate::perk_launch::{AD_FREE_IS_HERE, announcements_settled, set_perk};
use crate::support::billing_fixtures::subscribe;
use crate::support::fixtures::subscription;
use crate::support::helpers::{TestApp, TestReader, assert_problem};
use crate::support::outbox::{emails_to, outbox};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{Duration, Utc};
use masthead::domain::{Role, SubscriptionState};
use reqwest::{Response, StatusCode};
use serde_json::{Value, json};

on_both_backends!(
    the_launch_email_carries_the_one_click_headers_and_footer,
    the_headers_uri_unsubscribes_once_and_twice,
    a_get_of_the_uri_unsubscribes_nobody,
    forged_and_altered_tokens_are_refused_alike,
    a_post_without_the_one_click_body_is_refused,
    a_receipt_still_arrives_after_opting_out_without_unsubscribe,
    an_emails_dates_are_in_the_readers_zone_and_name_it,
);

/// Two readers subscribed to digital and the ad-free launch mailed to
/// both; returns them with their launch emails.
async fn launched(app: &TestApp) -> [(TestReader, Value); 2] {
    let admin = app.new_staff(Role::Admin).await;
    let mut readers = Vec::new();
    for _ in 0..2 {
        let reader = app.new_reader().await;
        subscription("digital", SubscriptionState::Active)
            .period_end(Utc::now() + Duration::days(30))
            .give(app, &reader.id);
        readers.push(reader);
    }
    set_perk(app, &admin, "digital", "ad_free", "live").await;
    announcements_settled(app).await;
    let mut out = Vec::new();
    for reader in readers {
        let mut emails = emails_to(app, &reader.email, AD_FREE_IS_HERE).await;
        assert_eq!(emails.len(), 1);
        out.push((reader, emails.remove(0)));
    }
    let second = out.pop().unwrap();
    let first = out.pop().unwrap();
    [first, second]
}

/// The URI of `List-Unsubscribe: <uri>`.
fn one_click_uri(email: &Value) -> String {
    let header = email["headers"]["List-Unsubscribe"].as_str().unwrap();
    header
        .strip_prefix('<')
        .and_then(|h| h.strip_suffix('>'))
        .unwrap()
        .to_owned()
}

/// What a mail client does on the unsubscribe button (RFC 8058 §3.1).
async fn one_click(app: &TestApp, uri: &str) -> Response {
    app.client
        .post(uri)
        .header("content-type", "application/x-www-form-urlencoded")
        .body("List-Unsubscribe=One-Click")
        .send()
        .await
        .unwrap()
}

async fn product_updates(app: &TestApp, reader: &TestReader) -> bool {
    let me: Value = app
        .get_auth("/v1/me", &reader.access_token)
        .await
        .json()
        .await
        .unwrap();
    me["email_preferences"]["product_updates"]
        .as_bool()
        .unwrap()
}

async fn the_launch_email_carries_the_one_click_headers_and_footer(app: TestApp) {
    let [(_, email), _] = launched(&app).await;
    let uri = one_click_uri(&email);
    assert!(
        uri.starts_with(&app.url("/v1/email/unsubscribe?token=")),
        "{uri}"
    );
    assert_eq!(
        email["headers"]["List-Unsubscribe-Post"],
        "List-Unsubscribe=One-Click"
    );
    let token = uri.split("token=").nth(1).unwrap();
    for part in ["text", "html"] {
        let body = email[part].as_str().unwrap();
        assert!(
            body.contains(&format!("/unsubscribe?token={token}")),
            "{body}"
        );
    }
}

async fn the_headers_uri_unsubscribes_once_and_twice(app: TestApp) {
    let [(reader, email), (other, _)] = launched(&app).await;
    let uri = one_click_uri(&email);
    for _ in 0..2 {
        let response = one_click(&app, &uri).await;
        assert_eq!(response.status(), StatusCode::OK);
        let body: Value = response.json().await.unwrap();
        assert_eq!(
            body,
            json!({"list": "product_updates", "subscribed": false})
        );
        assert!(!product_updates(&app, &reader).await);
    }
    assert!(
        product_updates(&app, &other).await,
        "only the token's reader"
    );
}

async fn a_get_of_the_uri_unsubscribes_nobody(app: TestApp) {
    let [(reader, email), _] = launched(&app).await;
    let uri = one_click_uri(&email);
    let response = app.client.get(&uri).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    let token = uri.split("token=").nth(1).unwrap();
    assert!(
        location.ends_with(&format!("/unsubscribe?token={token}")),
        "{location}"
    );
    let head = app.client.head(&uri).send().await.unwrap();
    assert!(head.status().is_redirection());
    assert!(product_updates(&app, &reader).await);
}

async fn forged_and_altered_tokens_are_refused_alike(app: TestApp) {
    let [(reader, email), (other, _)] = launched(&app).await;
    let uri = one_click_uri(&email);
    let token = uri.split("token=").nth(1).unwrap();
    // The same payload naming the other reader, with the tag kept.
    let bytes = URL_SAFE_NO_PAD.decode(token).unwrap();
    let payload = String::from_utf8_lossy(&bytes[..bytes.len() - 32]).into_owned();
    assert!(payload.contains(&reader.id), "{payload}");
    let mut altered = payload.replace(&reader.id, &other.id).into_bytes();
    altered.extend_from_slice(&bytes[bytes.len() - 32..]);
    let altered = URL_SAFE_NO_PAD.encode(altered);
    let unsigned = URL_SAFE_NO_PAD.encode(format!("v1:{}:product_updates", other.id));
    let mut details = Vec::new();
    for forged in [
        altered.as_str(),
        unsigned.as_str(),
        &token[..token.len() - 2],
        "not-a-token",
        "",
    ] {
        let response = one_click(
            &app,
            &app.url(&format!("/v1/email/unsubscribe?token={forged}")),
        )
        .await;
        let problem =
            assert_problem(response, StatusCode::NOT_FOUND, "unsubscribe_link_invalid").await;
        details.push(problem["detail"].clone());
    }
    let missing = one_click(&app, &app.url("/v1/email/unsubscribe")).await;
    assert_problem(missing, StatusCode::NOT_FOUND, "unsubscribe_link_invalid").await;
    details.dedup();
    assert_eq!(
        details.len(),
        1,
        "one answer for every forgery: {details:?}"
    );
    assert!(product_updates(&app, &reader).await);
    assert!(product_updates(&app, &other).await);
}

async fn a_post_without_the_one_click_body_is_refused(app: TestApp) {
    let [(reader, email), _] = launched(&app).await;
    let uri = one_click_uri(&email);
    let bare = app.client.post(&uri).send().await.unwrap();
    assert_problem(bare, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert!(product_updates(&app, &reader).await);
}

async fn a_receipt_still_arrives_after_opting_out_without_unsubscribe(app: TestApp) {
    let reader = app.new_reader().await;
    app.client
        .patch(app.url("/v1/me"))
        .bearer_auth(&reader.access_token)
        .json(&json!({"email_preferences": {"product_updates": false}}))
        .send()
        .await
        .unwrap();
    subscribe(&app, &reader, "digital", "month").await;
    let receipts = emails_to(&app, &reader.email, "Your receipt").await;
    assert_eq!(receipts.len(), 1);
    assert!(receipts[0].get("headers").is_none(), "{}", receipts[0]);
    for message in outbox(&app).await {
        if message["subject"] != AD_FREE_IS_HERE {
            assert!(message.get("headers").is_none(), "transactional: {message}");
        }
    }
}

async fn an_emails_dates_are_in_the_readers_zone_and_name_it(app: TestApp) {
    let reader = app.new_reader().await;
    let response = app
        .client
        .patch(app.url("/v1/me"))
        .bearer_auth(&reader.access_token)
        .json(&json!({"time_zone": "Europe/Paris"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let subscribed = subscribe(&app, &reader, "digital", "month").await;
    let receipt = emails_to(&app, &reader.email, "Your receipt")
        .await
        .remove(0);
    let text = receipt["text"].as_str().unwrap();
    let end =
        chrono::DateTime::parse_from_rfc3339(subscribed["current_period_end"].as_str().unwrap())
            .unwrap()
            .with_timezone(&chrono_tz::Europe::Paris);
    let renewal = format!("{} (Europe/Paris)", end.format("%-d %B %Y"));
    assert!(text.contains(&renewal), "{renewal}: {text}");
    assert!(!text.contains("(UTC)"), "{text}");
    // The instant of payment names the abbreviation in force and the zone.
    assert!(
        text.contains(" CET (Europe/Paris)") || text.contains(" CEST (Europe/Paris)"),
        "{text}"
    );
}
