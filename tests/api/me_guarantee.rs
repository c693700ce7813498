//! `GET /v1/me/subscription` tells the reader until when the money-back
//! guarantee runs (`guarantee_ends_at`: the first real payment plus the
//! window) and whether asking for a refund is open now
//! (`refund_requestable`), so the portal shows the offer from the same
//! rule the refund paths apply.

use crate::support::billing_fixtures::subscribe;
use crate::support::fixtures::subscription;
use crate::support::helpers::{TestApp, TestReader, assert_problem};
use crate::support::offer_fixtures::set_trial;
use crate::support::staff_fixtures::paid_subscription;
use chrono::{DateTime, Duration, Utc};
use masthead::domain::{Role, SubscriptionState};
use reqwest::StatusCode;
use serde_json::{Value, json};

on_both_backends!(
    inside_the_guarantee_shows_its_end_until_a_request_is_pending,
    after_the_guarantee_no_request_is_offered_and_support_cannot_refund,
    a_trial_has_no_guarantee_end_yet,
    a_comp_has_no_guarantee,
);

fn time(value: &Value) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(value.as_str().expect("a timestamp"))
        .expect("an RFC 3339 timestamp")
        .with_timezone(&Utc)
}

async fn current(app: &TestApp, reader: &TestReader) -> Value {
    let response = app
        .get_auth("/v1/me/subscription", &reader.access_token)
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let body: Value = response.json().await.unwrap();
    body["subscription"].clone()
}

/// When the reader's first payment was made, from their payments list.
async fn first_paid_at(app: &TestApp, reader: &TestReader) -> DateTime<Utc> {
    let payments: Value = app
        .get_auth("/v1/me/payments", &reader.access_token)
        .await
        .json()
        .await
        .unwrap();
    payments["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|item| item["kind"] == "payment")
        .map(|item| time(&item["at"]))
        .min()
        .expect("a payment")
}

async fn ask(app: &TestApp, reader: &TestReader) -> reqwest::Response {
    app.post_json_auth(
        "/v1/me/subscription/refund-request",
        &reader.access_token,
        &json!({"reason": "not for me"}),
    )
    .await
}

async fn inside_the_guarantee_shows_its_end_until_a_request_is_pending(app: TestApp) {
    let reader = app.new_reader().await;
    subscribe(&app, &reader, "digital", "month").await;
    let paid = current(&app, &reader).await;
    let ends = time(&paid["guarantee_ends_at"]);
    assert_eq!(
        ends,
        first_paid_at(&app, &reader).await + Duration::days(60)
    );
    assert!(ends > Utc::now() + Duration::days(59));
    assert_eq!(paid["refund_requestable"], true);
    insta::assert_json_snapshot!("my_subscription_in_guarantee", paid, {
        ".id" => "[id]",
        ".current_period_end" => "[timestamp]",
        ".guarantee_ends_at" => "[timestamp]",
    });

    let asked = ask(&app, &reader).await;
    assert_eq!(asked.status(), StatusCode::CREATED);
    let request: Value = asked.json().await.unwrap();
    assert_eq!(
        time(&request["guarantee_ends_at"]),
        ends,
        "one rule, one date"
    );
    let pending = current(&app, &reader).await;
    assert_eq!(pending["guarantee_ends_at"], paid["guarantee_ends_at"]);
    assert_eq!(
        pending["refund_requestable"], false,
        "one pending request is enough"
    );
}

async fn after_the_guarantee_no_request_is_offered_and_support_cannot_refund(app: TestApp) {
    let reader = app.new_reader().await;
    let old = paid_subscription(&app, &reader.id, "dev", 61, 1);
    let late = current(&app, &reader).await;
    assert_eq!(late["id"], old.id.as_str());
    let ends = time(&late["guarantee_ends_at"]);
    assert_eq!(
        ends,
        first_paid_at(&app, &reader).await + Duration::days(60)
    );
    assert!(ends < Utc::now(), "the guarantee ended a day ago");
    assert_eq!(late["refund_requestable"], false);

    // As before: the request is recorded as outside the guarantee, and
    // support cannot refund it (only an admin, by overriding).
    let asked = ask(&app, &reader).await;
    assert_eq!(asked.status(), StatusCode::CREATED);
    let request: Value = asked.json().await.unwrap();
    assert_eq!(request["within_guarantee"], false);
    let support = app.new_staff(Role::Support).await;
    let approve = app
        .post_json_auth(
            &format!(
                "/v1/admin/refund-requests/{}/approve",
                request["id"].as_str().unwrap()
            ),
            &support.access_token,
            &json!({}),
        )
        .await;
    assert_problem(approve, StatusCode::FORBIDDEN, "guarantee_window_passed").await;
    assert_eq!(current(&app, &reader).await["state"], "active");
}

async fn a_trial_has_no_guarantee_end_yet(app: TestApp) {
    set_trial(&app, "digital", "month", 14).await;
    let reader = app.new_reader().await;
    subscribe(&app, &reader, "digital", "month").await;
    let trial = current(&app, &reader).await;
    assert_eq!(trial["state"], "trialing");
    assert_eq!(
        trial["guarantee_ends_at"],
        Value::Null,
        "a trial is not a payment"
    );
    assert_eq!(trial["refund_requestable"], false);
    let asked = ask(&app, &reader).await;
    assert_problem(asked, StatusCode::CONFLICT, "nothing_to_refund").await;
}

async fn a_comp_has_no_guarantee(app: TestApp) {
    let reader = app.new_reader().await;
    subscription("digital", SubscriptionState::Comped)
        .comped_until(Utc::now() + Duration::days(30))
        .give(&app, &reader.id);
    let comp = current(&app, &reader).await;
    assert_eq!(comp["state"], "comped");
    assert_eq!(comp["guarantee_ends_at"], Value::Null);
    assert_eq!(comp["refund_requestable"], false);
}
