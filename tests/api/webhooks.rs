//! `POST /v1/webhooks/stripe`: the signature guards the endpoint, a paid
//! checkout opens the gate whichever event arrives first, and an event
//! delivered many times (some at once) applies once.

use crate::support::billing_fixtures::stored;
use crate::support::catalogue_fixtures::publish_sample_catalogue;
use crate::support::helpers::{Backend, TestApp, TestReader, assert_problem, spawn_app};
use crate::support::stripe_events::{
    PRICE_CENTS, WEBHOOK_SECRET, deliver, deliver_ok, event, post_raw, purchase, signature, v1,
};
use chrono::Utc;
use masthead::db::webhook_events;
use reqwest::StatusCode;
use serde_json::{Value, json};

on_both_backends!(with = crate::support::stripe_events::spawn_with_webhooks;
    paid_checkout_opens_the_gate,
    a_print_checkout_keeps_the_collected_address,
    invoice_paid_before_the_session_completes_the_checkout,
    one_event_delivered_ten_times_applies_once,
    bad_signatures_are_refused_with_no_side_effect,
    a_rotated_secret_is_accepted,
    unknown_event_types_are_recorded,
);

pub async fn deep_dive_granted(app: &TestApp, reader: &TestReader) -> Value {
    let response = app
        .get_auth("/v1/articles/deep-dive/access", &reader.access_token)
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    response.json().await.unwrap()
}

pub async fn my_subscription(app: &TestApp, reader: &TestReader) -> Value {
    let response = app
        .get_auth("/v1/me/subscription", &reader.access_token)
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let body: Value = response.json().await.unwrap();
    body["subscription"].clone()
}

fn recorded_events(app: &TestApp) -> i64 {
    webhook_events::count(&mut app.db()).unwrap()
}

async fn paid_checkout_opens_the_gate(app: TestApp) {
    publish_sample_catalogue(&app).await;
    let reader = app.new_reader().await;
    assert_eq!(deep_dive_granted(&app, &reader).await["granted"], false);
    let purchase = purchase(&app, &reader);
    let now = Utc::now().timestamp();

    deliver_ok(&app, &purchase.session_completed(now)).await;
    deliver_ok(&app, &purchase.first_invoice_paid(now)).await;

    let subscription = my_subscription(&app, &reader).await;
    assert_eq!(subscription["state"], "active", "{subscription}");
    assert_eq!(deep_dive_granted(&app, &reader).await["granted"], true);
    let stored = stored(&app, &reader);
    assert_eq!(stored.len(), 1);
    let [payment] = stored[0].payments.as_slice() else {
        panic!("one payment expected");
    };
    assert_eq!(payment.amount_cents, PRICE_CENTS);
    assert_eq!(payment.currency, "usd");
    assert_eq!(payment.provider, "stripe");
    assert_eq!(
        payment.provider_payment_id, purchase.payment_intent,
        "the invoice names its payment intent"
    );
    assert_eq!(
        payment.provider_invoice_id.as_deref(),
        Some(purchase.invoice.as_str())
    );
    let row = &stored[0].row;
    assert_eq!(
        row.provider_subscription_id.as_deref(),
        Some(purchase.subscription.as_str())
    );
    assert_eq!(
        row.provider_customer_id.as_deref(),
        Some(purchase.customer.as_str())
    );
    assert_eq!(
        row.current_period_end.unwrap().and_utc().timestamp(),
        purchase.period_end,
        "Stripe's period replaces the session's guess"
    );
    assert_eq!(recorded_events(&app), 2);
}

async fn invoice_paid_before_the_session_completes_the_checkout(app: TestApp) {
    let reader = app.new_reader().await;
    let purchase = purchase(&app, &reader);
    let now = Utc::now().timestamp();
    deliver_ok(&app, &purchase.first_invoice_paid(now)).await;
    assert_eq!(my_subscription(&app, &reader).await["state"], "active");
    deliver_ok(&app, &purchase.session_completed(now)).await;
    deliver_ok(
        &app,
        &purchase.subscription("created", "active", false, purchase.period_end, now),
    )
    .await;

    let stored = stored(&app, &reader);
    assert_eq!(stored.len(), 1, "one subscription");
    assert_eq!(stored[0].payments.len(), 1, "one payment");
    assert_eq!(stored[0].row.state, "active");
}

async fn one_event_delivered_ten_times_applies_once(app: TestApp) {
    let reader = app.new_reader().await;
    let purchase = purchase(&app, &reader);
    let paid = purchase.session_completed(Utc::now().timestamp());
    for _ in 0..5 {
        deliver_ok(&app, &paid).await;
    }
    let at_once: Vec<_> = (0..5).map(|_| deliver(&app, &paid)).collect();
    for response in futures_util::future::join_all(at_once).await {
        assert_eq!(response.status(), StatusCode::OK);
    }
    let stored = stored(&app, &reader);
    assert_eq!(stored.len(), 1, "one subscription");
    assert_eq!(stored[0].payments.len(), 1, "one payment");
    let activations: Vec<_> = stored[0]
        .events
        .iter()
        .filter(|(_, to)| to == "active")
        .collect();
    assert_eq!(
        activations.len(),
        1,
        "one history entry: {:?}",
        stored[0].events
    );
    assert_eq!(recorded_events(&app), 1);
    let again: Value = deliver(&app, &paid).await.json().await.unwrap();
    assert_eq!(again, json!({"received": true, "duplicate": true}));
}

async fn bad_signatures_are_refused_with_no_side_effect(app: TestApp) {
    let reader = app.new_reader().await;
    let purchase = purchase(&app, &reader);
    let now = Utc::now().timestamp();
    let body = purchase.session_completed(now).to_string();
    let good = signature(&body, WEBHOOK_SECRET, now);

    let tampered = body.replace("\"paid\"", "\"paid\" ");
    let cases = [
        (tampered.clone(), Some(good.clone()), "invalid_signature"),
        (
            body.clone(),
            Some(signature(&body, "whsec_wrong", now)),
            "invalid_signature",
        ),
        (
            body.clone(),
            Some(signature(&body, WEBHOOK_SECRET, now - 360)),
            "stale_signature",
        ),
        (
            body.clone(),
            Some(signature(&body, WEBHOOK_SECRET, now + 360)),
            "stale_signature",
        ),
        (body.clone(), None, "missing_signature"),
        (
            body.clone(),
            Some("garbage".to_owned()),
            "invalid_signature",
        ),
        (body.clone(), Some(format!("t={now}")), "invalid_signature"),
    ];
    for (body, header, code) in cases {
        let response = post_raw(&app, &body, header.as_deref()).await;
        assert_problem(response, StatusCode::BAD_REQUEST, code).await;
    }
    assert_eq!(recorded_events(&app), 0);
    assert!(stored(&app, &reader).is_empty(), "nothing changed");
    assert_eq!(my_subscription(&app, &reader).await, Value::Null);

    let unconfigured = spawn_app(Backend::Sqlite).await;
    let response = post_raw(&unconfigured, &body, Some(&good)).await;
    assert_problem(
        response,
        StatusCode::SERVICE_UNAVAILABLE,
        "webhooks_not_configured",
    )
    .await;

    let huge = format!("{{\"pad\":\"{}\"}}", "x".repeat(300 * 1024));
    let response = post_raw(&app, &huge, Some(&signature(&huge, WEBHOOK_SECRET, now))).await;
    assert_problem(response, StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large").await;
}

async fn a_rotated_secret_is_accepted(app: TestApp) {
    let reader = app.new_reader().await;
    let purchase = purchase(&app, &reader);
    let now = Utc::now().timestamp();
    let body = purchase.session_completed(now).to_string();
    let header = format!(
        "t={now},v1={},v1={}",
        v1(&body, "whsec_retired", now),
        v1(&body, WEBHOOK_SECRET, now)
    );
    let response = post_raw(&app, &body, Some(&header)).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(my_subscription(&app, &reader).await["state"], "active");
}

async fn unknown_event_types_are_recorded(app: TestApp) {
    let plan = crate::support::stripe_events::resource("plan");
    let unknown = event("plan.created", plan, Utc::now().timestamp());
    let response = deliver(&app, &unknown).await;
    assert_eq!(response.status(), StatusCode::OK);
    let recorded = webhook_events::find(&mut app.db(), unknown["id"].as_str().unwrap())
        .unwrap()
        .expect("recorded");
    assert_eq!(recorded.event_type, "plan.created");
    let not_an_event = "{\"hello\":1}";
    let now = Utc::now().timestamp();
    let response = post_raw(
        &app,
        not_an_event,
        Some(&signature(not_an_event, WEBHOOK_SECRET, now)),
    )
    .await;
    assert_problem(response, StatusCode::BAD_REQUEST, "malformed_event").await;
}

async fn a_print_checkout_keeps_the_collected_address(app: TestApp) {
    let reader = app.new_reader().await;
    let purchase = purchase(&app, &reader);
    let mut completed = purchase.session_completed(purchase.paid_at);
    completed["data"]["object"]["collected_information"] = serde_json::json!({
        "shipping_details": {
            "name": "Ada Lovelace",
            "address": {"line1": "1 Fleet Street", "line2": null, "city": "London",
                        "state": null, "postal_code": "EC4Y 1AA", "country": "GB"}
        }
    });
    deliver_ok(&app, &completed).await;
    let me: serde_json::Value = app
        .get_auth("/v1/me", &reader.access_token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(me["shipping_address"]["line1"], "1 Fleet Street");
    assert_eq!(me["shipping_address"]["country"], "GB");
}
