//! Free trials (issue 15): a tier price's trial days, or an offer's extra
//! days, start the subscription `trialing` with access and no payment;
//! the development provider takes the first payment when the trial ends
//! (`end_dev_trials`), and the 60-day guarantee counts from that payment.
//! One trial per reader: the attacks are a second trial for the same
//! reader, one after a refund, and one from a second tab.

use crate::support::billing_fixtures::{confirm, stored};
use crate::support::fixtures::{run_sweep, startup_sweeps_settled};
use crate::support::helpers::{TestApp, TestReader, assert_problem};
use crate::support::offer_fixtures::{checkout_plan, checkout_with, create_offer, set_trial};
use chrono::{Duration, Utc};
use diesel::prelude::*;
use masthead::db::schema::{payments, subscriptions, trials_used};
use masthead::domain::{JobKind, Role};
use reqwest::StatusCode;
use serde_json::{Value, json};

on_both_backends!(
    a_trial_checkout_starts_trialing_with_access_and_no_payment,
    a_trial_ends_in_the_first_payment_and_the_guarantee_counts_from_it,
    an_offer_discount_after_a_trial_applies_to_the_first_real_payment,
    a_second_checkout_by_the_same_reader_gets_no_trial,
    a_trial_after_a_refund_is_not_given_again,
    a_second_tab_cannot_start_a_second_trial,
    an_offer_of_free_days_is_refused_to_a_reader_who_had_a_trial,
);

async fn open(app: &TestApp, reader: &TestReader, code: Option<&str>) -> Value {
    let response = checkout_plan(app, reader, "digital", "month", code).await;
    let status = response.status();
    let body: Value = response.json().await.unwrap();
    assert_eq!(status, StatusCode::CREATED, "{body}");
    body
}

async fn pay(app: &TestApp, reader: &TestReader, checkout: &Value) -> Value {
    let response = confirm(app, checkout["url"].as_str().unwrap(), &reader.access_token).await;
    let status = response.status();
    let body: Value = response.json().await.unwrap();
    assert_eq!(status, StatusCode::OK, "{body}");
    body
}

/// Moves the reader's trial end (its period end) into the past.
fn end_trial(app: &TestApp, subscription: &str) {
    diesel::update(subscriptions::table.find(subscription))
        .set(subscriptions::current_period_end.eq(Utc::now().naive_utc() - Duration::minutes(1)))
        .execute(&mut app.db())
        .unwrap();
}

async fn a_trial_checkout_starts_trialing_with_access_and_no_payment(app: TestApp) {
    set_trial(&app, "digital", "month", 14).await;
    let reader = app.new_reader().await;
    let checkout = open(&app, &reader, None).await;
    let page = crate::support::checkout_fixtures::page(checkout["url"].as_str().unwrap()).await;
    assert!(
        page.contains("Free for 14 days, then 9.00 USD per month"),
        "{page}"
    );
    let subscription = pay(&app, &reader, &checkout).await;
    assert_eq!(subscription["state"], "trialing");
    let mine = stored(&app, &reader);
    assert!(mine[0].payments.is_empty(), "a trial is not a payment");
    let end = mine[0].row.current_period_end.unwrap();
    let days = (end - Utc::now().naive_utc()).num_hours();
    assert!((13 * 24..=14 * 24).contains(&days), "{days} hours");
    let me: Value = app
        .get_auth("/v1/me/subscription", &reader.access_token)
        .await
        .json()
        .await
        .unwrap();
    assert!(
        !me["entitlements"]["granted"].as_array().unwrap().is_empty(),
        "{me}"
    );
    // Nothing to refund during the trial.
    assert_problem(
        app.post_json_auth(
            "/v1/me/subscription/refund-request",
            &reader.access_token,
            &json!({"reason": "changed my mind"}),
        )
        .await,
        StatusCode::CONFLICT,
        "nothing_to_refund",
    )
    .await;
}

async fn a_trial_ends_in_the_first_payment_and_the_guarantee_counts_from_it(app: TestApp) {
    startup_sweeps_settled(&app).await;
    set_trial(&app, "digital", "month", 30).await;
    let reader = app.new_reader().await;
    let checkout = open(&app, &reader, None).await;
    let id = pay(&app, &reader, &checkout).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    end_trial(&app, &id);
    run_sweep(&app, JobKind::EndDevTrials).await;
    run_sweep(&app, JobKind::EndDevTrials).await;
    let mine = stored(&app, &reader);
    assert_eq!(mine[0].row.state, "active");
    let amounts: Vec<i64> = mine[0].payments.iter().map(|p| p.amount_cents).collect();
    assert_eq!(amounts, [900], "swept twice, paid once");
    // The trial began 80 days ago (as if) and was paid 40 days ago: still
    // inside the guarantee, which counts from the first real payment.
    let now = Utc::now().naive_utc();
    diesel::update(subscriptions::table.find(&id))
        .set(subscriptions::started_at.eq(now - Duration::days(80)))
        .execute(&mut app.db())
        .unwrap();
    diesel::update(payments::table.filter(payments::subscription_id.eq(&id)))
        .set(payments::paid_at.eq(now - Duration::days(40)))
        .execute(&mut app.db())
        .unwrap();
    let support = app.new_staff(Role::Support).await;
    let refunded = app
        .post_json_auth(
            &format!("/v1/admin/subscriptions/{id}/refund"),
            &support.access_token,
            &json!({"reason": "asked within 60 days of paying"}),
        )
        .await;
    assert_eq!(
        refunded.status(),
        StatusCode::OK,
        "{}",
        refunded.text().await.unwrap()
    );
}

async fn an_offer_discount_after_a_trial_applies_to_the_first_real_payment(app: TestApp) {
    startup_sweeps_settled(&app).await;
    set_trial(&app, "digital", "month", 7).await;
    create_offer(
        &app,
        json!({"code": "HALF", "percent_off": 50, "duration_months": 1}),
    )
    .await;
    let reader = app.new_reader().await;
    let checkout = open(&app, &reader, Some("half")).await;
    let id = pay(&app, &reader, &checkout).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    end_trial(&app, &id);
    run_sweep(&app, JobKind::EndDevTrials).await;
    let amounts: Vec<i64> = stored(&app, &reader)[0]
        .payments
        .iter()
        .map(|p| p.amount_cents)
        .collect();
    assert_eq!(amounts, [450]);
}

async fn a_second_checkout_by_the_same_reader_gets_no_trial(app: TestApp) {
    set_trial(&app, "digital", "month", 14).await;
    let reader = app.new_reader().await;
    let first = open(&app, &reader, None).await;
    let id = pay(&app, &reader, &first).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    // The reader ends the trial (staff end it now) and subscribes again.
    let support = app.new_staff(Role::Support).await;
    let ended = app
        .post_json_auth(
            &format!("/v1/admin/subscriptions/{id}/cancel"),
            &support.access_token,
            &json!({"at": "now", "reason": "reader asked"}),
        )
        .await;
    assert_eq!(
        ended.status(),
        StatusCode::OK,
        "{}",
        ended.text().await.unwrap()
    );
    let second = open(&app, &reader, None).await;
    assert_eq!(pay(&app, &reader, &second).await["state"], "active");
    let newest = &stored(&app, &reader)[0];
    assert_eq!(newest.payments.len(), 1, "charged at once");
    let marks: i64 = trials_used::table
        .count()
        .get_result(&mut app.db())
        .unwrap();
    assert_eq!(marks, 1);
}

async fn a_trial_after_a_refund_is_not_given_again(app: TestApp) {
    startup_sweeps_settled(&app).await;
    set_trial(&app, "digital", "month", 7).await;
    let reader = app.new_reader().await;
    let first = open(&app, &reader, None).await;
    let id = pay(&app, &reader, &first).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    end_trial(&app, &id);
    run_sweep(&app, JobKind::EndDevTrials).await;
    let support = app.new_staff(Role::Support).await;
    let refunded = app
        .post_json_auth(
            &format!("/v1/admin/subscriptions/{id}/refund"),
            &support.access_token,
            &json!({"reason": "guarantee"}),
        )
        .await;
    assert_eq!(refunded.status(), StatusCode::OK);
    let again = open(&app, &reader, None).await;
    assert_eq!(pay(&app, &reader, &again).await["state"], "active");
}

/// Two tabs: the second checkout answers with the first's page (one open
/// checkout per reader), and paying it in both tabs starts one trial.
async fn a_second_tab_cannot_start_a_second_trial(app: TestApp) {
    set_trial(&app, "digital", "month", 14).await;
    let reader = app.new_reader().await;
    let first = open(&app, &reader, None).await;
    let tab = assert_problem(
        checkout_plan(&app, &reader, "digital", "month", None).await,
        StatusCode::CONFLICT,
        "checkout_open",
    )
    .await;
    assert_eq!(tab["url"], first["url"]);
    let url = first["url"].as_str().unwrap();
    let (a, b) = tokio::join!(
        confirm(&app, url, &reader.access_token),
        confirm(&app, url, &reader.access_token)
    );
    assert_eq!((a.status(), b.status()), (StatusCode::OK, StatusCode::OK));
    assert_eq!(stored(&app, &reader).len(), 1);
    let marks: i64 = trials_used::table
        .count()
        .get_result(&mut app.db())
        .unwrap();
    assert_eq!(marks, 1);
}

async fn an_offer_of_free_days_is_refused_to_a_reader_who_had_a_trial(app: TestApp) {
    create_offer(&app, json!({"code": "MOREDAYS", "trial_days": 30})).await;
    let reader = app.new_reader().await;
    let first = open(&app, &reader, Some("moredays")).await;
    let id = pay(&app, &reader, &first).await;
    assert_eq!(id["state"], "trialing");
    let support = app.new_staff(Role::Support).await;
    app.post_json_auth(
        &format!(
            "/v1/admin/subscriptions/{}/cancel",
            id["id"].as_str().unwrap()
        ),
        &support.access_token,
        &json!({"at": "now", "reason": "reader asked"}),
    )
    .await;
    assert_problem(
        checkout_with(&app, &reader, "MOREDAYS").await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "trial_already_used",
    )
    .await;
}
