//! Buying through the development provider, the way a front-end does:
//! `POST /v1/billing/checkout`, then `POST` the returned URL.

use crate::support::helpers::{TestApp, TestReader};
use masthead::db::{payments, subscriptions};
use masthead::domain::{ReaderId, SubscriptionId};
use reqwest::{Response, StatusCode};
use serde_json::{Value, json};

/// Starts a checkout for `tier` and `interval` as `reader`.
pub async fn checkout(app: &TestApp, reader: &TestReader, tier: &str, interval: &str) -> Response {
    app.post_json_auth(
        "/v1/billing/checkout",
        &reader.access_token,
        &json!({"tier": tier, "interval": interval}),
    )
    .await
}

/// Starts a checkout that must succeed; returns `{checkout_id, url}`.
pub async fn open_checkout(
    app: &TestApp,
    reader: &TestReader,
    tier: &str,
    interval: &str,
) -> Value {
    let response = checkout(app, reader, tier, interval).await;
    let status = response.status();
    let body: Value = response.json().await.unwrap();
    assert_eq!(status, StatusCode::CREATED, "{body}");
    body
}

/// `POST`s a dev checkout URL (absolute, as returned) as `token`.
pub async fn confirm(app: &TestApp, url: &str, token: &str) -> Response {
    app.client
        .post(url)
        .bearer_auth(token)
        .send()
        .await
        .expect("request sent")
}

/// Checks out and confirms; returns the subscription the confirmation answers.
pub async fn subscribe(app: &TestApp, reader: &TestReader, tier: &str, interval: &str) -> Value {
    let opened = open_checkout(app, reader, tier, interval).await;
    let response = confirm(app, opened["url"].as_str().unwrap(), &reader.access_token).await;
    assert_eq!(response.status(), StatusCode::OK);
    response.json().await.unwrap()
}

/// `POST`s `path` as `reader` with no body at all.
pub async fn post_empty(app: &TestApp, path: &str, reader: &TestReader) -> Response {
    app.client
        .post(app.url(path))
        .bearer_auth(&reader.access_token)
        .send()
        .await
        .expect("request sent")
}

/// What the database holds for a reader: subscriptions (newest first), each
/// with its payments and its history as `(from, to)` pairs.
pub fn stored(app: &TestApp, reader: &TestReader) -> Vec<StoredSubscription> {
    let mut conn = app.db();
    let reader = ReaderId::parse(&reader.id).unwrap();
    subscriptions::for_reader(&mut conn, &reader)
        .unwrap()
        .into_iter()
        .map(|row| {
            let id = SubscriptionId::parse(&row.id).unwrap();
            StoredSubscription {
                payments: payments::for_subscription(&mut conn, &id).unwrap(),
                events: subscriptions::events(&mut conn, &id)
                    .unwrap()
                    .into_iter()
                    .map(|e| (e.from_state, e.to_state))
                    .collect(),
                row,
            }
        })
        .collect()
}

/// One subscription as stored, for assertions on money and history.
pub struct StoredSubscription {
    pub row: subscriptions::SubscriptionRow,
    pub payments: Vec<payments::PaymentRow>,
    pub events: Vec<(Option<String>, String)>,
}
