//! A price change at Stripe: shortly before the first renewal at the new
//! price, the subscription's item moves to a Stripe Price of the new amount
//! (created once, like a tier's own price) with `proration_behavior=none`,
//! so nothing is invoiced now and Stripe's renewal charges the new amount
//! (<https://docs.stripe.com/billing/subscriptions/change-price>,
//! <https://docs.stripe.com/api/subscriptions/update>), under one
//! idempotency key however often the sweep runs
//! (<https://docs.stripe.com/api/idempotent_requests>).

use crate::price_changes::{effective, moves, scheduled};
use crate::support::fake_stripe::{FakeStripe, fixture, spawn_app_with_stripe};
use crate::support::fixtures::run_sweep;
use crate::support::fixtures::{startup_sweeps_settled, subscription};
use crate::support::helpers::TestApp;
use chrono::{Duration, Utc};
use diesel::prelude::*;
use masthead::db::schema::{price_change_moves, subscriptions};
use masthead::domain::{JobKind, Role, SubscriptionState};
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, ResponseTemplate};

on_both_backends!(with = spawn_app_with_stripe;
    stripe_moves_the_item_to_the_new_price_without_proration_once,
);

async fn stripe_moves_the_item_to_the_new_price_without_proration_once(
    app: TestApp,
    stripe: FakeStripe,
) {
    startup_sweeps_settled(&app).await;
    let admin = app.new_staff(Role::Admin).await;
    let reader = app.new_reader().await;
    let sub = subscription("digital", SubscriptionState::Active)
        .period_end(Utc::now() + Duration::days(40))
        .give(&app, &reader.id);
    diesel::update(subscriptions::table.find(&sub))
        .set((
            subscriptions::provider.eq("stripe"),
            subscriptions::provider_subscription_id.eq("sub_price_change"),
            subscriptions::started_at.eq((Utc::now() - Duration::days(90)).naive_utc()),
        ))
        .execute(&mut app.db())
        .unwrap();
    let mut object = fixture("subscription");
    object["id"] = json!("sub_price_change");
    object["pending_update"] = serde_json::Value::Null;
    object["items"]["data"][0]["id"] = json!("si_price_change");
    Mock::given(method("GET"))
        .and(path("/v1/subscriptions/sub_price_change"))
        .respond_with(ResponseTemplate::new(200).set_body_json(object))
        .mount(&stripe.server)
        .await;

    let change = scheduled(&app, &admin, 1_200, 31).await;
    run_sweep(&app, JobKind::PriceChanges).await;
    assert!(
        stripe
            .calls_to("/v1/subscriptions/sub_price_change")
            .await
            .is_empty(),
        "nothing moves before the date"
    );
    // The date passes; the renewal is within the lead.
    effective(&app, &change, Utc::now() - Duration::hours(1));
    let soon = (Utc::now() + Duration::hours(12)).naive_utc();
    diesel::update(price_change_moves::table.filter(price_change_moves::subscription_id.eq(&sub)))
        .set(price_change_moves::applies_at.eq(soon))
        .execute(&mut app.db())
        .unwrap();
    run_sweep(&app, JobKind::PriceChanges).await;
    run_sweep(&app, JobKind::PriceChanges).await;

    let prices = stripe.calls_to("/v1/prices").await;
    assert_eq!(prices.len(), 1, "one Stripe Price for the new amount");
    assert_eq!(prices[0].param("unit_amount"), Some("1200"));
    assert_eq!(prices[0].param("recurring[interval]"), Some("month"));
    let updates: Vec<_> = stripe
        .calls_to("/v1/subscriptions/sub_price_change")
        .await
        .into_iter()
        .filter(|call| call.method == "POST")
        .collect();
    assert_eq!(updates.len(), 1, "moved once: {updates:?}");
    let update = &updates[0];
    assert_eq!(update.param("items[0][id]"), Some("si_price_change"));
    assert!(update.param("items[0][price]").is_some());
    assert_eq!(update.param("proration_behavior"), Some("none"));
    assert_eq!(
        update.idempotency_key.as_deref(),
        Some(format!("price-change:{sub}:{change}").as_str())
    );
    assert!(moves(&app, &sub)[0].1, "recorded as moved");
}
