//! Price changes for existing subscribers: an admin schedules a new price
//! for a tier and interval (`POST /v1/admin/tiers/{tier}/prices`), lists
//! and withdraws it; new checkouts pay it from its date; the
//! `price_changes` sweep tells each renewing subscriber once, at least
//! `MASTHEAD_PRICE_CHANGE_NOTICE_DAYS` before the first renewal at the new
//! price (automatic-renewal laws ask for notice of a material change,
//! e.g. Cal. Bus. & Prof. Code § 17602(c)), then moves them to it shortly
//! before that renewal. Time passing is simulated by moving the planted
//! dates back, as the lifecycle sweep tests do.

use crate::support::billing_fixtures::{stored, subscribe};
use crate::support::fixtures::{run_sweep, startup_sweeps_settled, subscription};
use crate::support::helpers::{TestApp, TestReader, assert_problem};
use crate::support::outbox::emails_to;
use crate::support::reader_fixtures::audit_entries;
use chrono::{Duration, SecondsFormat, Utc};
use diesel::prelude::*;
use masthead::db::schema::{price_change_moves, price_changes, subscriptions};
use masthead::domain::{JobKind, Role, SubscriptionState};
use reqwest::{Response, StatusCode};
use serde_json::{Value, json};

on_both_backends!(
    an_admin_schedules_lists_and_withdraws_a_price,
    bad_prices_are_refused_with_field_errors,
    unknown_tiers_and_non_admins_are_refused,
    a_subscriber_renewing_after_the_date_is_told_once_then_moved_once,
    a_subscriber_renewing_before_the_date_is_not_moved_yet,
    a_canceling_subscriber_is_not_told,
    new_checkouts_after_the_date_pay_the_new_price,
    the_renewal_reminder_states_the_new_price_once_it_applies,
);

pub const NOTICE: &str = "The price of your subscription changes on";

fn rfc3339(at: chrono::DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// Schedules `amount` for `digital`'s `interval` price at `at` as `admin`.
async fn schedule(app: &TestApp, admin: &TestReader, tier: &str, body: &Value) -> Response {
    app.post_json_auth(
        &format!("/v1/admin/tiers/{tier}/prices"),
        &admin.access_token,
        body,
    )
    .await
}

fn monthly(amount: i64, days_ahead: i64) -> Value {
    json!({
        "interval": "month",
        "currency": "usd",
        "amount": amount,
        "effective_at": rfc3339(Utc::now() + Duration::days(days_ahead)),
    })
}

/// Schedules 12.00 USD a month for `digital` `days_ahead`; returns its id.
pub async fn scheduled(app: &TestApp, admin: &TestReader, amount: i64, days_ahead: i64) -> String {
    let response = schedule(app, admin, "digital", &monthly(amount, days_ahead)).await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let body: Value = response.json().await.unwrap();
    body["id"].as_str().unwrap().to_owned()
}

/// Moves the date of price change `id` to `at` (time passing).
pub fn effective(app: &TestApp, id: &str, at: chrono::DateTime<Utc>) {
    diesel::update(price_changes::table.find(id))
        .set(price_changes::effective_at.eq(at.naive_utc()))
        .execute(&mut app.db())
        .unwrap();
}

/// An `active` monthly `digital` subscription billed by the development
/// provider, renewing at `period_end`.
fn renewing(
    app: &TestApp,
    reader: &TestReader,
    state: SubscriptionState,
    period_end: chrono::DateTime<Utc>,
) -> String {
    let id = subscription("digital", state)
        .period_end(period_end)
        .give(app, &reader.id);
    diesel::update(subscriptions::table.find(&id))
        .set((
            subscriptions::provider.eq("dev"),
            subscriptions::started_at.eq((Utc::now() - Duration::days(90)).naive_utc()),
        ))
        .execute(&mut app.db())
        .unwrap();
    id
}

/// `(applies_at, moved)` of each move of `subscription`.
pub fn moves(app: &TestApp, subscription: &str) -> Vec<(chrono::NaiveDateTime, bool)> {
    price_change_moves::table
        .filter(price_change_moves::subscription_id.eq(subscription))
        .select((price_change_moves::applies_at, price_change_moves::moved_at))
        .load::<(chrono::NaiveDateTime, Option<chrono::NaiveDateTime>)>(&mut app.db())
        .unwrap()
        .into_iter()
        .map(|(at, moved)| (at, moved.is_some()))
        .collect()
}

async fn an_admin_schedules_lists_and_withdraws_a_price(app: TestApp) {
    let admin = app.new_staff(Role::Admin).await;
    let id = scheduled(&app, &admin, 1_200, 40).await;
    let listed: Value = app
        .get_auth("/v1/admin/tiers/digital/prices", &admin.access_token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(listed["tier"], "digital");
    assert_eq!(listed["current"][0]["amount_cents"], 900, "{listed}");
    assert_eq!(listed["scheduled"][0]["id"], id.as_str());
    assert_eq!(listed["scheduled"][0]["amount_cents"], 1_200);
    assert_eq!(listed["scheduled"][0]["in_effect"], false);
    let audit = audit_entries(&app, &id);
    assert!(audit.iter().any(|e| e.action == "price_change_scheduled"));

    let withdrawn = app
        .client
        .delete(app.url(&format!("/v1/admin/tiers/digital/prices/{id}")))
        .bearer_auth(&admin.access_token)
        .send()
        .await
        .unwrap();
    assert_eq!(withdrawn.status(), StatusCode::NO_CONTENT);
    let listed: Value = app
        .get_auth("/v1/admin/tiers/digital/prices", &admin.access_token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(listed["scheduled"], json!([]));
    assert!(
        audit_entries(&app, &id)
            .iter()
            .any(|e| e.action == "price_change_withdrawn")
    );

    // One already in effect cannot be withdrawn; an unknown one is 404.
    let id = scheduled(&app, &admin, 1_200, 40).await;
    effective(&app, &id, Utc::now() - Duration::minutes(1));
    let path = format!("/v1/admin/tiers/digital/prices/{id}");
    let late = app
        .client
        .delete(app.url(&path))
        .bearer_auth(&admin.access_token)
        .send()
        .await
        .unwrap();
    assert_problem(late, StatusCode::CONFLICT, "price_change_in_effect").await;
    let path = "/v1/admin/tiers/print/prices/".to_owned() + &id;
    let elsewhere = app
        .client
        .delete(app.url(&path))
        .bearer_auth(&admin.access_token)
        .send()
        .await
        .unwrap();
    assert_problem(elsewhere, StatusCode::NOT_FOUND, "price_change_not_found").await;
}

async fn bad_prices_are_refused_with_field_errors(app: TestApp) {
    let admin = app.new_staff(Role::Admin).await;
    let cases = [
        (monthly(1_200, 10), "effective_at", "too_soon"),
        (monthly(-100, 40), "amount", "non_positive_amount"),
        (monthly(0, 40), "amount", "non_positive_amount"),
        (monthly(i64::MAX, 40), "amount", "amount_too_large"),
        (
            json!({"interval": "month", "currency": "eur", "amount": 1200, "effective_at": rfc3339(Utc::now() + Duration::days(40))}),
            "currency",
            "unknown_currency",
        ),
        (
            json!({"interval": "month", "currency": "dollars", "amount": 1200, "effective_at": rfc3339(Utc::now() + Duration::days(40))}),
            "currency",
            "invalid_currency",
        ),
        (
            json!({"interval": "week", "currency": "usd", "amount": 1200, "effective_at": rfc3339(Utc::now() + Duration::days(40))}),
            "interval",
            "invalid_interval",
        ),
        (
            json!({"interval": "month", "currency": "usd", "amount": 1200, "effective_at": "next tuesday"}),
            "effective_at",
            "invalid_date",
        ),
    ];
    for (body, field, code) in cases {
        let response = schedule(&app, &admin, "digital", &body).await;
        let problem = assert_problem(
            response,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        )
        .await;
        let errors = problem["errors"].as_array().unwrap();
        assert!(
            errors
                .iter()
                .any(|e| e["field"] == field && e["code"] == code),
            "{body}: {problem}"
        );
    }
    let none: i64 = price_changes::table
        .count()
        .get_result(&mut app.db())
        .unwrap();
    assert_eq!(none, 0);
}

async fn unknown_tiers_and_non_admins_are_refused(app: TestApp) {
    let admin = app.new_staff(Role::Admin).await;
    let response = schedule(&app, &admin, "platinum", &monthly(1_200, 40)).await;
    assert_problem(response, StatusCode::NOT_FOUND, "tier_not_found").await;
    let listed = app
        .get_auth("/v1/admin/tiers/platinum/prices", &admin.access_token)
        .await;
    assert_problem(listed, StatusCode::NOT_FOUND, "tier_not_found").await;
    for role in [Role::Editor, Role::Support] {
        let staff = app.new_staff(role).await;
        let response = schedule(&app, &staff, "digital", &monthly(1_200, 40)).await;
        assert_problem(response, StatusCode::FORBIDDEN, "insufficient_role").await;
        let listed = app
            .get_auth("/v1/admin/tiers/digital/prices", &staff.access_token)
            .await;
        assert_problem(listed, StatusCode::FORBIDDEN, "insufficient_role").await;
    }
    let reader = app.new_reader().await;
    let response = schedule(&app, &reader, "digital", &monthly(1_200, 40)).await;
    assert_problem(response, StatusCode::FORBIDDEN, "insufficient_role").await;
}

async fn a_subscriber_renewing_after_the_date_is_told_once_then_moved_once(app: TestApp) {
    startup_sweeps_settled(&app).await;
    let admin = app.new_staff(Role::Admin).await;
    let reader = app.new_reader().await;
    let renews = Utc::now() + Duration::days(40);
    let sub = renewing(&app, &reader, SubscriptionState::Active, renews);
    let change = scheduled(&app, &admin, 1_200, 31).await;
    run_sweep(&app, JobKind::PriceChanges).await;
    run_sweep(&app, JobKind::PriceChanges).await;
    let told = emails_to(&app, &reader.email, NOTICE).await;
    assert_eq!(told.len(), 1, "{told:?}");
    let body = told[0]["text"].as_str().unwrap();
    for part in [
        "9.00 USD",
        "12.00 USD",
        "cancel",
        &renews.format("%-d %B %Y").to_string(),
    ] {
        assert!(body.contains(part), "{part}: {body}");
    }
    let told_moves = moves(&app, &sub);
    assert_eq!(told_moves.len(), 1, "{told_moves:?}");
    assert_eq!(told_moves[0].0.and_utc().timestamp(), renews.timestamp());
    assert!(!told_moves[0].1, "not moved before the date");

    // The date passes and the renewal comes within the lead: moved once.
    effective(&app, &change, Utc::now() - Duration::hours(1));
    let soon = (Utc::now() + Duration::hours(12)).naive_utc();
    diesel::update(subscriptions::table.find(&sub))
        .set(subscriptions::current_period_end.eq(soon))
        .execute(&mut app.db())
        .unwrap();
    diesel::update(price_change_moves::table.filter(price_change_moves::subscription_id.eq(&sub)))
        .set(price_change_moves::applies_at.eq(soon))
        .execute(&mut app.db())
        .unwrap();
    run_sweep(&app, JobKind::PriceChanges).await;
    run_sweep(&app, JobKind::PriceChanges).await;
    let moved = moves(&app, &sub);
    assert_eq!(moved.len(), 1);
    assert!(moved[0].1, "moved to the new price: {moved:?}");
    assert_eq!(emails_to(&app, &reader.email, NOTICE).await.len(), 1);
}

async fn a_subscriber_renewing_before_the_date_is_not_moved_yet(app: TestApp) {
    startup_sweeps_settled(&app).await;
    let admin = app.new_staff(Role::Admin).await;
    let reader = app.new_reader().await;
    let renews = Utc::now() + Duration::days(20);
    let sub = renewing(&app, &reader, SubscriptionState::Active, renews);
    scheduled(&app, &admin, 1_200, 31).await;
    run_sweep(&app, JobKind::PriceChanges).await;
    let moved = moves(&app, &sub);
    assert_eq!(moved.len(), 1, "told of the renewal after next");
    assert!(
        moved[0].0 > renews.naive_utc() + Duration::days(25),
        "{moved:?}"
    );
    assert!(!moved[0].1, "not moved yet: {moved:?}");
}

async fn a_canceling_subscriber_is_not_told(app: TestApp) {
    startup_sweeps_settled(&app).await;
    let admin = app.new_staff(Role::Admin).await;
    let reader = app.new_reader().await;
    let sub = renewing(
        &app,
        &reader,
        SubscriptionState::Canceling,
        Utc::now() + Duration::days(40),
    );
    scheduled(&app, &admin, 1_200, 31).await;
    run_sweep(&app, JobKind::PriceChanges).await;
    assert!(emails_to(&app, &reader.email, NOTICE).await.is_empty());
    assert!(moves(&app, &sub).is_empty());
}

async fn new_checkouts_after_the_date_pay_the_new_price(app: TestApp) {
    let admin = app.new_staff(Role::Admin).await;
    let change = scheduled(&app, &admin, 1_200, 31).await;
    let before = app.new_reader().await;
    subscribe(&app, &before, "digital", "month").await;
    assert_eq!(stored(&app, &before)[0].payments[0].amount_cents, 900);

    effective(&app, &change, Utc::now() - Duration::minutes(1));
    let plans: Value = app.get("/v1/plans").await.json().await.unwrap();
    let digital = plans["tiers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["id"] == "digital")
        .unwrap();
    assert_eq!(digital["prices"][0]["amount_cents"], 1_200, "{digital}");
    let after = app.new_reader().await;
    subscribe(&app, &after, "digital", "month").await;
    assert_eq!(stored(&app, &after)[0].payments[0].amount_cents, 1_200);
}

async fn the_renewal_reminder_states_the_new_price_once_it_applies(app: TestApp) {
    startup_sweeps_settled(&app).await;
    let admin = app.new_staff(Role::Admin).await;
    let reader = app.new_reader().await;
    let renews = Utc::now() + Duration::days(35);
    let sub = subscription("digital", SubscriptionState::Active)
        .interval("year")
        .period_end(renews)
        .give(&app, &reader.id);
    diesel::update(subscriptions::table.find(&sub))
        .set((
            subscriptions::provider.eq("dev"),
            subscriptions::started_at.eq((Utc::now() - Duration::days(400)).naive_utc()),
        ))
        .execute(&mut app.db())
        .unwrap();
    let body = json!({
        "interval": "year",
        "currency": "usd",
        "amount": 12_000,
        "effective_at": rfc3339(Utc::now() + Duration::days(31)),
    });
    assert_eq!(
        schedule(&app, &admin, "digital", &body).await.status(),
        StatusCode::CREATED
    );
    run_sweep(&app, JobKind::PriceChanges).await;
    // Thirty days before the renewal (moved nearer: time passing).
    let nearer = Utc::now() + Duration::days(29);
    diesel::update(subscriptions::table.find(&sub))
        .set(subscriptions::current_period_end.eq(nearer.naive_utc()))
        .execute(&mut app.db())
        .unwrap();
    diesel::update(price_change_moves::table.filter(price_change_moves::subscription_id.eq(&sub)))
        .set(price_change_moves::applies_at.eq(nearer.naive_utc()))
        .execute(&mut app.db())
        .unwrap();
    run_sweep(&app, JobKind::RenewalReminders).await;
    let reminders = emails_to(&app, &reader.email, "Your subscription renews on").await;
    assert_eq!(reminders.len(), 1);
    let text = reminders[0]["text"].as_str().unwrap();
    assert!(text.contains("120.00 USD"), "the new yearly price: {text}");
}
