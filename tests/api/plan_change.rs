//! Plan changes (issue 12 item 3): through `POST /v1/me/subscription/change`
//! on the development provider and on Stripe, and as Stripe reports a
//! change made in its billing portal.
//!
//! Stripe's rules followed: an upgrade swaps the item's price with
//! `proration_behavior=always_invoice` and `payment_behavior=pending_if_incomplete`
//! (<https://docs.stripe.com/billing/subscriptions/change-price>,
//! <https://docs.stripe.com/billing/subscriptions/pending-updates>); a new
//! interval restarts the billing period
//! (<https://docs.stripe.com/billing/subscriptions/billing-cycle#changing>);
//! a downgrade at the period end is a two-phase subscription schedule
//! (<https://docs.stripe.com/billing/subscriptions/subscription-schedules/use-cases#downgrading-subscriptions>),
//! undone by releasing it (<https://docs.stripe.com/api/subscription_schedules/release>).

use crate::support::billing_fixtures::{stored, subscribe};
use crate::support::fake_stripe::FakeStripe;
use crate::support::helpers::{Backend, TestApp, TestReader, assert_problem, spawn_app_with};
use crate::support::reader_fixtures::give_address;
use crate::support::stripe_events::{Purchase, deliver_ok, purchase};
use chrono::{DateTime, Duration, Months, Utc};
use diesel::prelude::*;
use masthead::db::schema::{subscriptions, tier_prices};
use masthead::domain::Role;
use reqwest::{Response, StatusCode};
use serde_json::{Value, json};
use wiremock::matchers::{method, path, path_regex};
use wiremock::{Mock, ResponseTemplate};

on_both_backends!(
    an_upgrade_to_print_takes_effect_at_once_with_the_proration,
    month_to_year_restarts_the_period_and_credits_the_unused_month,
    a_downgrade_waits_for_the_period_end_and_can_be_undone,
    plans_not_on_offer_and_print_without_an_address_are_refused,
);

/// The app billing through a fresh fake Stripe, with the signing secret
/// the event builders of `stripe_events` sign with.
async fn spawn_with_stripe(backend: Backend) -> (TestApp, FakeStripe) {
    let stripe = FakeStripe::start().await;
    let base = stripe.url();
    let app = spawn_app_with(backend, move |settings| {
        settings.stripe_secret_key = Some("sk_test_masthead".into());
        settings.stripe_webhook_secret = Some(crate::support::stripe_events::WEBHOOK_SECRET.into());
        settings.stripe_api_base = Some(base);
        settings.stripe_timeout_seconds = 2;
    })
    .await;
    (app, stripe)
}

on_both_backends!(with = spawn_with_stripe;
    a_portal_plan_change_moves_the_tier_and_its_perks,
    a_payment_first_update_still_pending_keeps_the_old_plan,
    a_stripe_upgrade_invokes_always_invoice_and_a_downgrade_a_schedule,
);

async fn change(app: &TestApp, reader: &TestReader, body: &Value) -> Response {
    app.post_json_auth("/v1/me/subscription/change", &reader.access_token, body)
        .await
}

async fn changed(app: &TestApp, reader: &TestReader, body: &Value) -> Value {
    let response = change(app, reader, body).await;
    let status = response.status();
    let body: Value = response.json().await.unwrap();
    assert_eq!(status, StatusCode::OK, "{body}");
    body
}

async fn granted(app: &TestApp, reader: &TestReader) -> Vec<Value> {
    let mine: Value = app
        .get_auth("/v1/me/subscription", &reader.access_token)
        .await
        .json()
        .await
        .unwrap();
    mine["entitlements"]["granted"].as_array().unwrap().clone()
}

fn time(value: &Value) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(value.as_str().unwrap())
        .unwrap()
        .with_timezone(&Utc)
}

async fn an_upgrade_to_print_takes_effect_at_once_with_the_proration(app: TestApp) {
    let reader = app.new_reader().await;
    give_address(&app, &reader, "1 Fleet Street").await;
    let subscribed = subscribe(&app, &reader, "digital", "month").await;
    let first_paid = stored(&app, &reader)[0].payments[0].paid_at;
    assert!(
        !granted(&app, &reader)
            .await
            .contains(&json!("print_edition"))
    );

    let body = changed(&app, &reader, &json!({"tier": "print"})).await;
    assert_eq!(body["change"]["kind"], "upgrade");
    assert_eq!(body["change"]["status"], "applied");
    assert_eq!(
        body["change"]["from"],
        json!({"tier": "digital", "interval": "month"})
    );
    assert_eq!(
        body["change"]["to"],
        json!({"tier": "print", "interval": "month"})
    );
    // Almost the whole month is left: (1500 - 900) x ~1.
    let prorated = body["change"]["prorated_amount_cents"].as_i64().unwrap();
    assert!((595..=600).contains(&prorated), "{prorated}");
    assert_eq!(body["subscription"]["tier"], "print");
    assert_eq!(
        body["subscription"]["current_period_end"], subscribed["current_period_end"],
        "the same interval keeps the period"
    );
    assert!(
        granted(&app, &reader)
            .await
            .contains(&json!("print_edition"))
    );

    let stored = stored(&app, &reader);
    assert_eq!(stored.len(), 1, "the same subscription changed plan");
    assert_eq!(stored[0].row.tier_id, "print");
    let amounts: Vec<i64> = stored[0].payments.iter().map(|p| p.amount_cents).collect();
    assert_eq!(
        amounts,
        [900, prorated],
        "the proration is invoiced at once"
    );
    assert_eq!(
        stored[0].payments[0].paid_at, first_paid,
        "the guarantee still counts from the first payment"
    );
    assert_eq!(stored[0].events.len(), 2, "no state change, no new start");

    // Asking again changes nothing and charges nothing.
    assert_problem(
        change(&app, &reader, &json!({"tier": "print"})).await,
        StatusCode::CONFLICT,
        "plan_unchanged",
    )
    .await;
}

async fn month_to_year_restarts_the_period_and_credits_the_unused_month(app: TestApp) {
    let reader = app.new_reader().await;
    subscribe(&app, &reader, "digital", "month").await;
    let before = Utc::now();
    let body = changed(&app, &reader, &json!({"interval": "year"})).await;
    assert_eq!(body["change"]["kind"], "upgrade");
    assert_eq!(body["subscription"]["billing_interval"], "year");
    let end = time(&body["subscription"]["current_period_end"]);
    let year_later = before.checked_add_months(Months::new(12)).unwrap();
    assert!((end - year_later).abs() < Duration::seconds(30), "{end}");
    // 9000 less what is left of the 900 month (nearly all of it).
    let prorated = body["change"]["prorated_amount_cents"].as_i64().unwrap();
    assert!((8100..=8105).contains(&prorated), "{prorated}");
}

async fn a_downgrade_waits_for_the_period_end_and_can_be_undone(app: TestApp) {
    let reader = app.new_reader().await;
    let subscribed = subscribe(&app, &reader, "digital", "year").await;
    let body = changed(&app, &reader, &json!({"interval": "month"})).await;
    assert_eq!(body["change"]["kind"], "downgrade");
    assert_eq!(body["change"]["status"], "pending");
    assert_eq!(body["change"]["prorated_amount_cents"], Value::Null);
    assert_eq!(
        time(&body["change"]["effective_at"]),
        time(&subscribed["current_period_end"]),
        "at the end of the year already paid"
    );
    assert_eq!(body["subscription"]["billing_interval"], "year", "not yet");

    let shown: Value = app
        .get_auth("/v1/me/subscription/change", &reader.access_token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(shown["pending"]["to"]["interval"], "month", "{shown}");
    assert_problem(
        change(&app, &reader, &json!({"interval": "month"})).await,
        StatusCode::CONFLICT,
        "plan_change_pending",
    )
    .await;

    let undo = app
        .post_json_auth(
            "/v1/me/subscription/change/undo",
            &reader.access_token,
            &json!({}),
        )
        .await;
    assert_eq!(undo.status(), StatusCode::OK);
    let undone: Value = undo.json().await.unwrap();
    assert_eq!(undone["change"]["status"], "undone");
    assert_eq!(undone["subscription"]["billing_interval"], "year");
    let shown: Value = app
        .get_auth("/v1/me/subscription/change", &reader.access_token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(shown["pending"], Value::Null);
    assert_problem(
        app.post_json_auth(
            "/v1/me/subscription/change/undo",
            &reader.access_token,
            &json!({}),
        )
        .await,
        StatusCode::CONFLICT,
        "no_pending_plan_change",
    )
    .await;
    assert_eq!(
        stored(&app, &reader)[0].payments.len(),
        1,
        "nothing charged"
    );
}

async fn plans_not_on_offer_and_print_without_an_address_are_refused(app: TestApp) {
    let nobody = app.new_reader().await;
    assert_problem(
        change(&app, &nobody, &json!({"tier": "print"})).await,
        StatusCode::NOT_FOUND,
        "subscription_not_found",
    )
    .await;

    let reader = app.new_reader().await;
    subscribe(&app, &reader, "digital", "month").await;
    for (body, field) in [
        (json!({"tier": "platinum"}), "tier"),
        (json!({"interval": "weekly"}), "interval"),
        (json!({}), "tier"),
    ] {
        let refused = assert_problem(
            change(&app, &reader, &body).await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        )
        .await;
        assert_eq!(refused["errors"][0]["field"], field, "{refused}");
    }
    assert_problem(
        change(&app, &reader, &json!({"tier": "print"})).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "shipping_address_required",
    )
    .await;
    assert_eq!(stored(&app, &reader)[0].row.tier_id, "digital");

    let comped = app.new_reader().await;
    let support = app.new_staff(Role::Support).await;
    let comp = app
        .post_json_auth(
            &format!("/v1/admin/readers/{}/comp", comped.id),
            &support.access_token,
            &json!({"tier": "digital", "until": "2099-01-01T00:00:00Z", "reason": "contributor"}),
        )
        .await;
    assert_eq!(comp.status(), StatusCode::CREATED);
    assert_problem(
        change(&app, &comped, &json!({"interval": "year"})).await,
        StatusCode::CONFLICT,
        "plan_change_not_allowed",
    )
    .await;
}

/// Gives the tiers' prices Stripe price ids, as `masthead stripe setup` or
/// the first checkout would.
fn configure_stripe_prices(app: &TestApp) {
    for (tier, interval, price) in [
        ("digital", "month", "price_digital_month"),
        ("digital", "year", "price_digital_year"),
        ("print", "month", "price_print_month"),
        ("print", "year", "price_print_year"),
    ] {
        diesel::update(
            tier_prices::table
                .filter(tier_prices::tier_id.eq(tier))
                .filter(tier_prices::billing_interval.eq(interval)),
        )
        .set(tier_prices::stripe_price_id.eq(price))
        .execute(&mut app.db())
        .unwrap();
    }
}

/// A Stripe-billed digital monthly subscription, paid through webhooks.
async fn stripe_subscriber(app: &TestApp) -> (TestReader, Purchase) {
    configure_stripe_prices(app);
    let reader = app.new_reader().await;
    let purchase = purchase(app, &reader);
    let now = Utc::now().timestamp();
    deliver_ok(app, &purchase.session_completed(now - 10)).await;
    deliver_ok(app, &purchase.first_invoice_paid(now - 10)).await;
    (reader, purchase)
}

/// `customer.subscription.updated` whose item carries `price`.
fn updated_with_price(purchase: &Purchase, price: &str, pending_update: Value, at: i64) -> Value {
    let mut event = purchase.subscription("updated", "active", false, purchase.period_end, at);
    let object = &mut event["data"]["object"];
    object["pending_update"] = pending_update;
    object["items"]["data"][0]["price"]["id"] = json!(price);
    object["items"]["data"][0]["plan"]["id"] = json!(price);
    event
}

async fn a_portal_plan_change_moves_the_tier_and_its_perks(app: TestApp, _stripe: FakeStripe) {
    let (reader, purchase) = stripe_subscriber(&app).await;
    let now = Utc::now().timestamp();
    deliver_ok(
        &app,
        &updated_with_price(&purchase, "price_print_month", Value::Null, now - 5),
    )
    .await;
    let stored = stored(&app, &reader);
    assert_eq!(stored[0].row.tier_id, "print");
    assert_eq!(stored[0].row.state, "active");
    assert!(
        granted(&app, &reader)
            .await
            .contains(&json!("print_edition"))
    );

    // And back, to digital yearly.
    deliver_ok(
        &app,
        &updated_with_price(&purchase, "price_digital_year", Value::Null, now - 4),
    )
    .await;
    let row = &crate::support::billing_fixtures::stored(&app, &reader)[0].row;
    assert_eq!(
        (row.tier_id.as_str(), row.billing_interval.as_deref()),
        ("digital", Some("year"))
    );
    assert!(
        !granted(&app, &reader)
            .await
            .contains(&json!("print_edition"))
    );
}

async fn a_payment_first_update_still_pending_keeps_the_old_plan(
    app: TestApp,
    _stripe: FakeStripe,
) {
    let (reader, purchase) = stripe_subscriber(&app).await;
    let now = Utc::now().timestamp();
    let pending = json!({
        "billing_cycle_anchor": null, "expires_at": now + 82_800,
        "subscription_items": [{"price": {"id": "price_print_month"}}], "trial_end": null,
        "trial_from_plan": null
    });
    // During a pending update the item still shows the old price.
    deliver_ok(
        &app,
        &updated_with_price(&purchase, "price_digital_month", pending, now - 5),
    )
    .await;
    let mut expired = updated_with_price(&purchase, "price_digital_month", Value::Null, now - 4);
    expired["type"] = json!("customer.subscription.pending_update_expired");
    deliver_ok(&app, &expired).await;
    let row = &stored(&app, &reader)[0].row;
    assert_eq!(row.tier_id, "digital", "the old plan stays");
    assert_eq!(row.state, "active");
}

fn stripe_subscription(id: &str, schedule: Option<&str>) -> Value {
    let mut object = crate::support::fake_stripe::fixture("subscription");
    object["id"] = json!(id);
    object["pending_update"] = Value::Null;
    object["schedule"] = schedule.map_or(Value::Null, |s| json!(s));
    object["items"]["data"][0]["id"] = json!("si_masthead");
    object
}

fn schedule_object(id: &str) -> Value {
    json!({"id": id, "object": "subscription_schedule", "phases": [{"start_date": 1_700_000_000}]})
}

/// Answers retrieving and updating Stripe subscription `sub` (linked to
/// schedule `sub_sched_1`) and every schedule call.
async fn mount_subscription_and_schedules(stripe: &FakeStripe, sub: &str) {
    for (verb, route) in [
        ("GET", format!("/v1/subscriptions/{sub}")),
        ("POST", format!("/v1/subscriptions/{sub}")),
    ] {
        Mock::given(method(verb))
            .and(path(route))
            .respond_with(
                ResponseTemplate::new(200)
                    .set_body_json(stripe_subscription(sub, Some("sub_sched_1"))),
            )
            .with_priority(1)
            .mount(&stripe.server)
            .await;
    }
    Mock::given(method("POST"))
        .and(path_regex(
            r"^/v1/subscription_schedules(/[A-Za-z0-9_]+(/release)?)?$",
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(schedule_object("sub_sched_1")))
        .mount(&stripe.server)
        .await;
}

async fn a_stripe_upgrade_invokes_always_invoice_and_a_downgrade_a_schedule(
    app: TestApp,
    stripe: FakeStripe,
) {
    let (reader, purchase) = stripe_subscriber(&app).await;
    give_address(&app, &reader, "1 Fleet Street").await;
    let sub = purchase.subscription.clone();
    mount_subscription_and_schedules(&stripe, &sub).await;

    let up = changed(&app, &reader, &json!({"tier": "print"})).await;
    assert_eq!(up["change"]["status"], "applied");
    assert_eq!(up["subscription"]["tier"], "print");
    let update = stripe
        .calls_to(&format!("/v1/subscriptions/{sub}"))
        .await
        .pop()
        .expect("the subscription was updated");
    assert_eq!(update.param("items[0][id]"), Some("si_masthead"));
    assert_eq!(update.param("items[0][price]"), Some("price_print_month"));
    assert_eq!(update.param("proration_behavior"), Some("always_invoice"));
    assert_eq!(
        update.param("payment_behavior"),
        Some("pending_if_incomplete")
    );
    assert!(update.idempotency_key.is_some());
    let payments = stored(&app, &reader)[0].payments.len();
    assert_eq!(
        payments, 1,
        "Stripe's proration invoice is recorded by its webhook, not here"
    );

    let down = changed(&app, &reader, &json!({"tier": "digital"})).await;
    assert_eq!(down["change"]["status"], "pending");
    let created = stripe.calls_to("/v1/subscription_schedules").await;
    assert_eq!(created.len(), 1);
    assert_eq!(created[0].param("from_subscription"), Some(sub.as_str()));
    let phases = stripe
        .calls_to("/v1/subscription_schedules/sub_sched_1")
        .await;
    assert_eq!(phases.len(), 1);
    let phases = &phases[0];
    assert_eq!(phases.param("end_behavior"), Some("release"));
    assert_eq!(
        phases.param("phases[0][items][0][price]"),
        Some("price_print_month")
    );
    assert_eq!(phases.param("phases[0][start_date]"), Some("1700000000"));
    assert_eq!(
        phases.param("phases[0][end_date]"),
        Some(purchase.period_end.to_string().as_str())
    );
    assert_eq!(
        phases.param("phases[1][items][0][price]"),
        Some("price_digital_month")
    );
    assert_eq!(phases.param("phases[1][duration][interval]"), Some("month"));

    // The schedule reaching the period end: Stripe reports the new price.
    let now = Utc::now().timestamp();
    deliver_ok(
        &app,
        &updated_with_price(&purchase, "price_digital_month", Value::Null, now),
    )
    .await;
    let shown: Value = app
        .get_auth("/v1/me/subscription/change", &reader.access_token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(shown["pending"], Value::Null, "the downgrade was applied");
    assert_eq!(stored(&app, &reader)[0].row.tier_id, "digital");

    // A second downgrade, undone: the schedule is released.
    diesel::update(subscriptions::table.filter(subscriptions::reader_id.eq(&reader.id)))
        .set(subscriptions::billing_interval.eq("year"))
        .execute(&mut app.db())
        .unwrap();
    changed(&app, &reader, &json!({"interval": "month"})).await;
    let undo = app
        .post_json_auth(
            "/v1/me/subscription/change/undo",
            &reader.access_token,
            &json!({}),
        )
        .await;
    assert_eq!(undo.status(), StatusCode::OK);
    assert_eq!(
        stripe
            .calls_to("/v1/subscription_schedules/sub_sched_1/release")
            .await
            .len(),
        1
    );
}
