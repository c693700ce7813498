//! Offers and trials through Stripe, following Stripe's documentation for
//! API version 2026-09-30: the offer's discount is a coupon created once
//! (<https://docs.stripe.com/api/coupons/create>) and applied to the
//! Checkout Session as `discounts[0][coupon]`, the trial as
//! `subscription_data[trial_period_days]`
//! (<https://docs.stripe.com/api/checkout/sessions/create>); a trial's
//! session completes with `payment_status: no_payment_required` and
//! `amount_total: 0`, and its first real invoice is paid when the trial
//! ends (<https://docs.stripe.com/billing/subscriptions/trials>).

use crate::support::billing_fixtures::stored;
use crate::support::fake_stripe::{FakeStripe, spawn_app_with_stripe};
use crate::support::helpers::TestApp;
use crate::support::offer_fixtures::{admin_offer, checkout_with, create_offer, set_trial};
use crate::support::stripe_events::{deliver_ok, purchase, spawn_with_webhooks};
use diesel::prelude::*;
use masthead::db::schema::{checkouts, offer_redemptions, offers, trials_used};
use reqwest::StatusCode;
use serde_json::json;

on_both_backends!(with = spawn_app_with_stripe;
    the_session_carries_the_coupon_and_the_trial,
    an_offer_of_free_days_sends_no_coupon,
);

on_both_backends!(with = spawn_with_webhooks;
    a_trial_session_starts_trialing_and_its_first_invoice_activates_it,
    money_taken_after_the_last_redemption_is_recorded_not_refused,
);

async fn the_session_carries_the_coupon_and_the_trial(app: TestApp, stripe: FakeStripe) {
    set_trial(&app, "digital", "month", 14).await;
    create_offer(
        &app,
        json!({"code": "SPRING25", "percent_off": 25, "duration_months": 3, "max_redemptions": 10}),
    )
    .await;
    for _ in 0..2 {
        let reader = app.new_reader().await;
        let response = checkout_with(&app, &reader, "spring25").await;
        assert_eq!(response.status(), StatusCode::CREATED);
    }
    let coupons = stripe.calls_to("/v1/coupons").await;
    assert_eq!(coupons.len(), 1, "created once, then remembered");
    let coupon = &coupons[0];
    assert_eq!(coupon.idempotency_key.as_deref(), Some("coupon:SPRING25"));
    // A decimal (Stripe's `percent_off` is a float: "25.0" is 25%).
    let percent: f64 = coupon.param("percent_off").unwrap().parse().unwrap();
    assert!((percent - 25.0).abs() < f64::EPSILON, "{percent}");
    assert_eq!(coupon.param("duration"), Some("repeating"));
    assert_eq!(coupon.param("duration_in_months"), Some("3"));
    assert_eq!(coupon.param("max_redemptions"), Some("10"));
    let remembered: Option<String> = offers::table
        .find("SPRING25")
        .select(offers::stripe_coupon_id)
        .first(&mut app.db())
        .unwrap();
    let sessions = stripe.calls_to("/v1/checkout/sessions").await;
    assert_eq!(sessions.len(), 2);
    for session in &sessions {
        assert_eq!(session.param("discounts[0][coupon]"), remembered.as_deref());
        assert_eq!(
            session.param("subscription_data[trial_period_days]"),
            Some("14")
        );
    }
}

async fn an_offer_of_free_days_sends_no_coupon(app: TestApp, stripe: FakeStripe) {
    create_offer(&app, json!({"code": "MONTHFREE", "trial_days": 30})).await;
    let reader = app.new_reader().await;
    assert_eq!(
        checkout_with(&app, &reader, "monthfree").await.status(),
        StatusCode::CREATED
    );
    assert!(stripe.calls_to("/v1/coupons").await.is_empty());
    let session = &stripe.calls_to("/v1/checkout/sessions").await[0];
    assert_eq!(session.param("discounts[0][coupon]"), None);
    assert_eq!(
        session.param("subscription_data[trial_period_days]"),
        Some("30")
    );
}

async fn a_trial_session_starts_trialing_and_its_first_invoice_activates_it(app: TestApp) {
    let reader = app.new_reader().await;
    let purchase = purchase(&app, &reader);
    diesel::update(checkouts::table.find(&purchase.checkout_id))
        .set(checkouts::trial_days.eq(14))
        .execute(&mut app.db())
        .unwrap();
    deliver_ok(&app, &purchase.trial_session_completed(purchase.paid_at)).await;
    let mine = stored(&app, &reader);
    assert_eq!(mine[0].row.state, "trialing");
    assert!(mine[0].payments.is_empty(), "a trial is not a payment");
    let marked: i64 = trials_used::table
        .count()
        .get_result(&mut app.db())
        .unwrap();
    assert_eq!(marked, 1);
    deliver_ok(&app, &purchase.first_invoice_paid(purchase.paid_at + 60)).await;
    let mine = stored(&app, &reader);
    assert_eq!(mine[0].row.state, "active");
    let amounts: Vec<i64> = mine[0].payments.iter().map(|p| p.amount_cents).collect();
    assert_eq!(
        amounts,
        [900],
        "the first real payment, where the guarantee starts"
    );
}

async fn money_taken_after_the_last_redemption_is_recorded_not_refused(app: TestApp) {
    create_offer(
        &app,
        json!({"code": "FULL", "percent_off": 10, "max_redemptions": 1}),
    )
    .await;
    diesel::update(offers::table.find("FULL"))
        .set(offers::redemptions.eq(1))
        .execute(&mut app.db())
        .unwrap();
    let reader = app.new_reader().await;
    let purchase = purchase(&app, &reader);
    diesel::update(checkouts::table.find(&purchase.checkout_id))
        .set((
            checkouts::offer_code.eq("FULL"),
            checkouts::discount_cents.eq(90),
        ))
        .execute(&mut app.db())
        .unwrap();
    deliver_ok(&app, &purchase.session_completed(purchase.paid_at)).await;
    assert_eq!(stored(&app, &reader)[0].row.state, "active");
    assert_eq!(
        admin_offer(&app, "FULL").await["redemptions"],
        1,
        "never past the limit"
    );
    let recorded: i64 = offer_redemptions::table
        .count()
        .get_result(&mut app.db())
        .unwrap();
    assert_eq!(recorded, 1, "kept for staff");
}
