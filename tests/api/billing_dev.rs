//! Checkout through the development provider: a reader pays "as if", the
//! subscription goes through the state machine, the gate opens; confirming
//! is idempotent, even concurrently, and every refusal is a clear problem.

use crate::support::billing_fixtures::{checkout, confirm, open_checkout, stored, subscribe};
use crate::support::catalogue_fixtures::publish_sample_catalogue;
use crate::support::helpers::{TestApp, assert_problem};
use chrono::{DateTime, Duration, Months, Utc};
use diesel::prelude::*;
use masthead::db::schema::checkouts;
use reqwest::StatusCode;
use serde_json::{Value, json};

on_both_backends!(
    checkout_and_confirm_opens_the_gate,
    confirming_twice_or_at_once_pays_once,
    print_needs_a_shipping_address,
    checkout_while_subscribed_is_a_conflict,
    checkout_refuses_what_is_not_on_offer,
    only_the_reader_can_confirm_their_checkout,
    an_expired_checkout_cannot_be_paid,
    portal_describes_the_subscription,
);

fn time(value: &Value) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(value.as_str().expect("a timestamp"))
        .expect("an RFC 3339 timestamp")
        .with_timezone(&Utc)
}

async fn deep_dive_access(app: &TestApp, token: &str) -> Value {
    let response = app.get_auth("/v1/articles/deep-dive/access", token).await;
    assert_eq!(response.status(), StatusCode::OK);
    response.json().await.unwrap()
}

async fn checkout_and_confirm_opens_the_gate(app: TestApp) {
    publish_sample_catalogue(&app).await;
    let reader = app.new_reader().await;
    let before = deep_dive_access(&app, &reader.access_token).await;
    assert_eq!(before["granted"], false, "{before}");

    let opened = open_checkout(&app, &reader, "digital", "month").await;
    let id = opened["checkout_id"].as_str().unwrap();
    assert_eq!(
        opened["url"],
        app.url(&format!("/v1/billing/dev/checkout/{id}"))
    );
    let started = Utc::now();
    let response = confirm(&app, opened["url"].as_str().unwrap(), &reader.access_token).await;
    assert_eq!(response.status(), StatusCode::OK);
    let confirmed: Value = response.json().await.unwrap();
    assert_eq!(confirmed["state"], "active");
    let end = time(&confirmed["current_period_end"]);
    let month_later = started.checked_add_months(Months::new(1)).unwrap();
    assert!(
        (end - month_later).abs() < Duration::seconds(30),
        "{end} is not a month from now"
    );
    insta::assert_json_snapshot!("dev_checkout_confirmed", confirmed, {
        ".id" => "[id]",
        ".current_period_end" => "[timestamp]",
    });

    let mine: Value = app
        .get_auth("/v1/me/subscription", &reader.access_token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(mine["subscription"]["id"], confirmed["id"]);
    assert_eq!(mine["subscription"]["state"], "active");
    assert_eq!(time(&mine["subscription"]["current_period_end"]), end);
    let after = deep_dive_access(&app, &reader.access_token).await;
    assert_eq!(after["granted"], true, "the gate sees the purchase at once");
}

async fn confirming_twice_or_at_once_pays_once(app: TestApp) {
    let reader = app.new_reader().await;
    let opened = open_checkout(&app, &reader, "digital", "year").await;
    let url = opened["url"].as_str().unwrap().to_owned();
    let mut answers = tokio::task::JoinSet::new();
    for _ in 0..5 {
        let (client, url, token) = (app.client.clone(), url.clone(), reader.access_token.clone());
        answers.spawn(async move {
            let response = client.post(url).bearer_auth(token).send().await.unwrap();
            assert_eq!(response.status(), StatusCode::OK);
            response.json::<Value>().await.unwrap()
        });
    }
    let mut ids = Vec::new();
    while let Some(answer) = answers.join_next().await {
        ids.push(answer.unwrap()["id"].clone());
    }
    let again: Value = confirm(&app, &url, &reader.access_token)
        .await
        .json()
        .await
        .unwrap();
    ids.push(again["id"].clone());
    assert!(
        ids.iter().all(|id| *id == ids[0]),
        "one subscription: {ids:?}"
    );

    let stored = stored(&app, &reader);
    assert_eq!(stored.len(), 1, "one subscription");
    let only = &stored[0];
    assert_eq!(only.row.provider.as_deref(), Some("dev"));
    assert_eq!(only.row.billing_interval.as_deref(), Some("year"));
    assert_eq!(
        only.events,
        [
            (None, "incomplete".to_owned()),
            (Some("incomplete".to_owned()), "active".to_owned())
        ]
    );
    assert_eq!(only.payments.len(), 1, "one payment");
    let payment = &only.payments[0];
    assert_eq!(
        (payment.amount_cents, payment.currency.as_str()),
        (9000, "usd")
    );
    assert_eq!(payment.refunded_cents, 0);
    assert!(payment.provider_payment_id.starts_with("dev_"));
}

async fn print_needs_a_shipping_address(app: TestApp) {
    let reader = app.new_reader().await;
    let refused = assert_problem(
        checkout(&app, &reader, "print", "year").await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "shipping_address_required",
    )
    .await;
    assert!(
        refused["detail"]
            .as_str()
            .unwrap()
            .contains("shipping address"),
        "{refused}"
    );
    let address = json!({"line1": "1 Fleet Street", "city": "London", "postal_code": "EC4Y 1AA", "country": "GB"});
    let patched = app
        .client
        .patch(app.url("/v1/me"))
        .bearer_auth(&reader.access_token)
        .json(&json!({"shipping_address": address}))
        .send()
        .await
        .unwrap();
    assert_eq!(patched.status(), StatusCode::OK);
    let subscription = subscribe(&app, &reader, "print", "year").await;
    assert_eq!(subscription["tier"], "print");
    assert_eq!(stored(&app, &reader)[0].payments[0].amount_cents, 15000);
}

async fn checkout_while_subscribed_is_a_conflict(app: TestApp) {
    let reader = app.new_reader().await;
    subscribe(&app, &reader, "digital", "month").await;
    assert_problem(
        checkout(&app, &reader, "digital", "year").await,
        StatusCode::CONFLICT,
        "already_subscribed",
    )
    .await;
    let stored = stored(&app, &reader);
    assert_eq!(stored.len(), 1, "no second checkout paid for anything");
    assert_eq!(stored[0].payments.len(), 1);
}

async fn checkout_refuses_what_is_not_on_offer(app: TestApp) {
    let reader = app.new_reader().await;
    let (app_ref, token) = (&app, reader.access_token.as_str());
    let post = move |body: Value| async move {
        app_ref
            .post_json_auth("/v1/billing/checkout", token, &body)
            .await
    };
    let unknown = assert_problem(
        post(json!({"tier": "platinum", "interval": "month"})).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(unknown["errors"][0]["field"], "tier");
    assert_eq!(unknown["errors"][0]["code"], "unknown_tier");
    let both = assert_problem(
        post(json!({"tier": "", "interval": "weekly", "currency": "dollars"})).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    let codes: Vec<_> = both["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["field"].as_str().unwrap(), e["code"].as_str().unwrap()))
        .collect();
    assert_eq!(
        codes,
        [
            ("tier", "required"),
            ("interval", "invalid_interval"),
            ("currency", "invalid_currency")
        ]
    );
    let foreign = assert_problem(
        post(json!({"tier": "digital", "interval": "month", "currency": "eur"})).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(foreign["errors"][0]["code"], "price_not_offered");
    assert_problem(
        post(json!({"tier": 7})).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    let malformed = app
        .client
        .post(app.url("/v1/billing/checkout"))
        .bearer_auth(&reader.access_token)
        .header("content-type", "application/json")
        .body("{\"tier\":")
        .send()
        .await
        .unwrap();
    assert_problem(malformed, StatusCode::BAD_REQUEST, "malformed_json").await;
    assert_problem(
        app.post_json(
            "/v1/billing/checkout",
            &json!({"tier": "digital", "interval": "month"}),
        )
        .await,
        StatusCode::UNAUTHORIZED,
        "missing_token",
    )
    .await;
    assert!(stored(&app, &reader).is_empty());
}

async fn only_the_reader_can_confirm_their_checkout(app: TestApp) {
    let reader = app.new_reader().await;
    let intruder = app.new_reader().await;
    let opened = open_checkout(&app, &reader, "digital", "month").await;
    let url = opened["url"].as_str().unwrap();
    assert_problem(
        confirm(&app, url, &intruder.access_token).await,
        StatusCode::NOT_FOUND,
        "checkout_not_found",
    )
    .await;
    for id in ["not-a-uuid", &uuid::Uuid::now_v7().to_string()] {
        assert_problem(
            confirm(
                &app,
                &app.url(&format!("/v1/billing/dev/checkout/{id}")),
                &reader.access_token,
            )
            .await,
            StatusCode::NOT_FOUND,
            "checkout_not_found",
        )
        .await;
    }
    assert_problem(
        app.client.post(url).send().await.unwrap(),
        StatusCode::UNAUTHORIZED,
        "missing_token",
    )
    .await;
    assert!(stored(&app, &intruder).is_empty());
    assert!(stored(&app, &reader).is_empty(), "nothing was paid");
    assert_eq!(
        confirm(&app, url, &reader.access_token).await.status(),
        StatusCode::OK,
        "the owner still can"
    );
}

async fn an_expired_checkout_cannot_be_paid(app: TestApp) {
    let reader = app.new_reader().await;
    let opened = open_checkout(&app, &reader, "digital", "month").await;
    let id = opened["checkout_id"].as_str().unwrap();
    let yesterday = (Utc::now() - Duration::days(1)).naive_utc();
    diesel::update(checkouts::table.find(id))
        .set(checkouts::expires_at.eq(yesterday))
        .execute(&mut app.db())
        .unwrap();
    for _ in 0..2 {
        assert_problem(
            confirm(&app, opened["url"].as_str().unwrap(), &reader.access_token).await,
            StatusCode::CONFLICT,
            "checkout_expired",
        )
        .await;
    }
    let status: String = checkouts::table
        .find(id)
        .select(checkouts::status)
        .first(&mut app.db())
        .unwrap();
    assert_eq!(status, "expired");
    assert!(stored(&app, &reader).is_empty());
}

async fn portal_describes_the_subscription(app: TestApp) {
    let reader = app.new_reader().await;
    assert_problem(
        app.post_json_auth("/v1/billing/portal", &reader.access_token, &json!({}))
            .await,
        StatusCode::CONFLICT,
        "no_subscription",
    )
    .await;
    let subscription = subscribe(&app, &reader, "digital", "month").await;
    let portal: Value = app
        .post_json_auth("/v1/billing/portal", &reader.access_token, &json!({}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(portal["url"], app.url("/v1/billing/dev/portal"));
    let page: Value = app
        .get_auth("/v1/billing/dev/portal", &reader.access_token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(page["provider"], "dev");
    assert_eq!(page["subscription"], subscription);
    assert_eq!(page["payments"].as_array().unwrap().len(), 1);
    assert_eq!(page["payments"][0]["amount_cents"], 900);
    assert_eq!(page["payments"][0]["currency"], "usd");
}
