//! `GET /v1/me/subscription`: the current subscription and entitlements
//! for readers in each state of the lifecycle.

use crate::support::fixtures::{startup_sweeps_settled, subscription};
use crate::support::helpers::{TestApp, TestReader, assert_problem};
use chrono::{DateTime, Duration, SubsecRound, Utc};
use masthead::domain::SubscriptionState;
use reqwest::StatusCode;
use serde_json::{Value, json};

on_both_backends!(
    no_subscription_is_null_with_nothing_granted,
    active_digital_grants_its_live_perks,
    past_due_inside_grace_still_grants,
    past_due_after_grace_grants_nothing,
    comped_grants_until_its_end_date,
    canceling_ends_at_period_end,
    a_granting_subscription_beats_a_newer_lapsed_one,
    print_grants_the_print_edition,
    subscription_needs_a_token,
);

const DIGITAL_LIVE: [&str; 4] = ["digital_edition", "audio", "exclusive_content", "archive"];

/// Whole seconds from now, so stored and returned times compare exactly.
fn days_from_now(days: i64) -> DateTime<Utc> {
    (Utc::now() + Duration::days(days)).trunc_subsecs(0)
}

fn time(value: &Value) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(value.as_str().expect("a timestamp"))
        .expect("an RFC 3339 timestamp")
        .with_timezone(&Utc)
}

async fn my_subscription(app: &TestApp, reader: &TestReader) -> Value {
    let response = app
        .get_auth("/v1/me/subscription", &reader.access_token)
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    response.json().await.unwrap()
}

async fn no_subscription_is_null_with_nothing_granted(app: TestApp) {
    let reader = app.new_reader().await;
    let body = my_subscription(&app, &reader).await;
    assert_eq!(
        body,
        json!({"subscription": null, "entitlements": {"granted": [], "announced": []}})
    );
}

async fn active_digital_grants_its_live_perks(app: TestApp) {
    let reader = app.new_reader().await;
    let end = days_from_now(30);
    let id = subscription("digital", SubscriptionState::Active)
        .period_end(end)
        .give(&app, &reader.id);
    let body = my_subscription(&app, &reader).await;
    assert_eq!(body["subscription"]["id"], id);
    assert_eq!(time(&body["subscription"]["current_period_end"]), end);
    assert_eq!(body["entitlements"]["granted"], json!(DIGITAL_LIVE));
    assert_eq!(
        body["entitlements"]["announced"],
        json!(["ad_free"]),
        "announced, not granted"
    );
    insta::assert_json_snapshot!("my_subscription_active", body, {
        ".subscription.id" => "[id]",
        ".subscription.current_period_end" => "[timestamp]",
    });
}

async fn past_due_inside_grace_still_grants(app: TestApp) {
    let reader = app.new_reader().await;
    let grace = days_from_now(3);
    subscription("digital", SubscriptionState::PastDue)
        .period_end(days_from_now(-4))
        .grace_ends_at(grace)
        .give(&app, &reader.id);
    let body = my_subscription(&app, &reader).await;
    assert_eq!(body["subscription"]["state"], "past_due");
    assert_eq!(time(&body["subscription"]["grace_ends_at"]), grace);
    assert_eq!(body["entitlements"]["granted"], json!(DIGITAL_LIVE));
}

/// Shown as planted: the `expire_grace` sweep that moves it to `expired`
/// (when no outside provider bills it) runs once a period, not here.
async fn past_due_after_grace_grants_nothing(app: TestApp) {
    startup_sweeps_settled(&app).await;
    let reader = app.new_reader().await;
    subscription("digital", SubscriptionState::PastDue)
        .period_end(days_from_now(-10))
        .grace_ends_at(days_from_now(-3))
        .give(&app, &reader.id);
    let body = my_subscription(&app, &reader).await;
    assert_eq!(
        body["subscription"]["state"], "past_due",
        "still shown, so the reader can fix the payment"
    );
    assert_eq!(
        body["entitlements"],
        json!({"granted": [], "announced": []})
    );
}

async fn comped_grants_until_its_end_date(app: TestApp) {
    let reader = app.new_reader().await;
    let until = days_from_now(90);
    subscription("digital", SubscriptionState::Comped)
        .comped_until(until)
        .give(&app, &reader.id);
    let body = my_subscription(&app, &reader).await;
    assert_eq!(body["subscription"]["state"], "comped");
    assert_eq!(body["subscription"]["billing_interval"], Value::Null);
    assert_eq!(time(&body["subscription"]["comped_until"]), until);
    assert_eq!(body["entitlements"]["granted"], json!(DIGITAL_LIVE));
    assert_eq!(body["entitlements"]["announced"], json!(["ad_free"]));
}

async fn canceling_ends_at_period_end(app: TestApp) {
    let reader = app.new_reader().await;
    subscription("digital", SubscriptionState::Canceling)
        .period_end(days_from_now(5))
        .give(&app, &reader.id);
    let body = my_subscription(&app, &reader).await;
    assert_eq!(body["subscription"]["state"], "canceling");
    assert_eq!(body["subscription"]["cancel_at_period_end"], true);
    assert_eq!(body["subscription"]["billing_interval"], "month");
    assert_eq!(body["entitlements"]["granted"], json!(DIGITAL_LIVE));
}

async fn a_granting_subscription_beats_a_newer_lapsed_one(app: TestApp) {
    let reader = app.new_reader().await;
    let active = subscription("digital", SubscriptionState::Active)
        .period_end(days_from_now(30))
        .give(&app, &reader.id);
    subscription("print", SubscriptionState::Expired)
        .period_end(days_from_now(-1))
        .give(&app, &reader.id);
    let body = my_subscription(&app, &reader).await;
    assert_eq!(body["subscription"]["id"], active);
    assert_eq!(body["subscription"]["cancel_at_period_end"], false);

    let lapsed = app.new_reader().await;
    subscription("digital", SubscriptionState::Expired)
        .period_end(days_from_now(-40))
        .give(&app, &lapsed.id);
    let refunded = subscription("digital", SubscriptionState::Refunded)
        .period_end(days_from_now(20))
        .give(&app, &lapsed.id);
    let body = my_subscription(&app, &lapsed).await;
    assert_eq!(
        body["subscription"]["id"], refunded,
        "none grants: the newest is shown"
    );
    assert_eq!(
        body["entitlements"],
        json!({"granted": [], "announced": []})
    );
}

async fn print_grants_the_print_edition(app: TestApp) {
    let reader = app.new_reader().await;
    subscription("print", SubscriptionState::Active)
        .period_end(days_from_now(300))
        .give(&app, &reader.id);
    let body = my_subscription(&app, &reader).await;
    assert_eq!(body["subscription"]["tier"], "print");
    assert_eq!(
        body["entitlements"]["granted"],
        json!([
            "digital_edition",
            "audio",
            "exclusive_content",
            "archive",
            "print_edition"
        ])
    );
    assert_eq!(body["entitlements"]["announced"], json!(["ad_free"]));
}

async fn subscription_needs_a_token(app: TestApp) {
    assert_problem(
        app.get("/v1/me/subscription").await,
        StatusCode::UNAUTHORIZED,
        "missing_token",
    )
    .await;
    let forged = app.get_auth("/v1/me/subscription", "not-a-jwt").await;
    assert_problem(forged, StatusCode::UNAUTHORIZED, "invalid_token").await;
}
