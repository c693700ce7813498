//! Money going back from Stripe's side, on the pinned version's shapes
//! (and 2024's where they differ): a refund is matched only by its own
//! payment intent or charge; a full refund of the current period ends
//! access and stops billing at Stripe (a follow-up after the answer,
//! once); a partial or older refund keeps access; a refund of another
//! charge of the same customer touches nothing; `refund.failed` undoes.

use crate::support::billing_fixtures::stored;
use crate::support::fake_stripe::FakeStripe;
use crate::support::helpers::{TestApp, TestReader};
use crate::support::stripe_events::{
    PRICE_CENTS, Purchase, Shape, deliver_ok, event, refund_of, settled, stripe_id,
};
use crate::support::stripe_fixtures::paid_subscription;
use crate::webhooks::{deep_dive_granted, my_subscription};
use chrono::Utc;
use masthead::db::refunds;
use masthead::domain::SubscriptionId;
use serde_json::Value;

on_both_backends!(with = crate::support::stripe_events::spawn_with_stripe_and_webhooks;
    dashboard_full_refund_ends_access_and_cancels_at_stripe_once,
    dashboard_full_refund_on_2024_shapes,
    full_refund_of_an_older_payment_keeps_the_paid_period,
    partial_refund_is_recorded_against_its_payment,
    refund_of_another_charge_of_the_same_customer_touches_nothing,
    refund_failed_gives_access_back,
    stripe_failing_the_cancel_is_retried_with_the_same_key,
    staff_view_shows_what_stripe_did,
);

/// A paid subscription on current shapes, its intent learnt.
fn subscription_route(purchase: &Purchase) -> String {
    format!("/v1/subscriptions/{}", purchase.subscription)
}

fn recorded_refunds(app: &TestApp, reader: &TestReader) -> Vec<refunds::RefundRow> {
    let id = SubscriptionId::from_db(stored(app, reader)[0].row.id.clone());
    refunds::for_subscription(&mut app.db(), &id).unwrap()
}

/// A refund in the dashboard (<https://docs.stripe.com/refunds#issuing>)
/// sends `charge.refunded` and `refund.created`
/// (<https://docs.stripe.com/api/events/types#event_types-charge.refunded>);
/// on the pinned version the charge names no invoice. Access ends, and
/// since Stripe keeps billing a subscription until it is cancelled
/// (<https://docs.stripe.com/billing/subscriptions/cancel>), Masthead
/// cancels it, once however often the event is delivered.
async fn dashboard_full_refund_ends_access_and_cancels_at_stripe_once(
    app: TestApp,
    stripe: FakeStripe,
) {
    let (reader, purchase, _) = paid_subscription(&app, &stripe, Shape::Current).await;
    let refund_id = stripe_id("re");
    let now = Utc::now().timestamp();
    let refunded = purchase.charge_refunded_of(
        Shape::Current,
        &purchase.payment_intent,
        None,
        PRICE_CENTS,
        &refund_id,
        now,
    );
    deliver_ok(&app, &refunded).await;
    deliver_ok(&app, &refunded).await;
    deliver_ok(
        &app,
        &event(
            "refund.created",
            refund_of(
                &purchase.payment_intent,
                PRICE_CENTS,
                &refund_id,
                "succeeded",
            ),
            now,
        ),
    )
    .await;
    assert_eq!(my_subscription(&app, &reader).await["state"], "refunded");
    assert_eq!(deep_dive_granted(&app, &reader).await["granted"], false);
    let follow_ups = settled(&app).await;
    assert!(
        follow_ups.contains(&(
            "cancel_subscription".to_owned(),
            "done".to_owned(),
            purchase.subscription.clone()
        )),
        "{follow_ups:?}"
    );
    let cancels = stripe
        .requests_to("DELETE", &subscription_route(&purchase))
        .await;
    assert_eq!(cancels.len(), 1, "cancelled once: {cancels:#?}");
    assert!(
        cancels[0]
            .idempotency_key
            .as_deref()
            .is_some_and(|key| key.starts_with("follow-up:evt_")),
        "{cancels:#?}"
    );
    assert_eq!(recorded_refunds(&app, &reader).len(), 1);
}

/// The same on 2024 shapes, where the charge also names its invoice.
async fn dashboard_full_refund_on_2024_shapes(app: TestApp, stripe: FakeStripe) {
    let (reader, purchase, _) = paid_subscription(&app, &stripe, Shape::Legacy2024).await;
    let now = Utc::now().timestamp();
    deliver_ok(
        &app,
        &purchase.charge_refunded_of(
            Shape::Legacy2024,
            &purchase.payment_intent,
            Some(&purchase.invoice),
            PRICE_CENTS,
            &stripe_id("re"),
            now,
        ),
    )
    .await;
    assert_eq!(my_subscription(&app, &reader).await["state"], "refunded");
    settled(&app).await;
    assert_eq!(
        stripe
            .requests_to("DELETE", &subscription_route(&purchase))
            .await
            .len(),
        1
    );
}

/// Refunding last month's payment in full (a goodwill gesture) while this
/// month's is kept: the current period stays paid, nothing is cancelled.
async fn full_refund_of_an_older_payment_keeps_the_paid_period(app: TestApp, stripe: FakeStripe) {
    let (reader, purchase, _) = paid_subscription(&app, &stripe, Shape::Current).await;
    let (renewal, intent) = (stripe_id("in"), stripe_id("pi"));
    stripe.invoice_paid_by(&renewal, &intent, None).await;
    let next_end = purchase.period_end + 30 * 86_400;
    let now = Utc::now().timestamp() - 30;
    deliver_ok(
        &app,
        &purchase.subscription("updated", "active", false, next_end, now),
    )
    .await;
    deliver_ok(
        &app,
        &purchase.invoice_event(
            Shape::Current,
            "paid",
            &renewal,
            &intent,
            PRICE_CENTS,
            next_end,
            now,
        ),
    )
    .await;
    settled(&app).await;
    // A month has passed: the first payment paid the previous period, the
    // renewal the current one.
    back_date(&app, &reader, &purchase.payment_intent);
    deliver_ok(
        &app,
        &purchase.charge_refunded_of(
            Shape::Current,
            &purchase.payment_intent,
            None,
            PRICE_CENTS,
            &stripe_id("re"),
            Utc::now().timestamp(),
        ),
    )
    .await;
    settled(&app).await;
    assert_eq!(my_subscription(&app, &reader).await["state"], "active");
    assert_eq!(deep_dive_granted(&app, &reader).await["granted"], true);
    assert!(
        stripe
            .requests_to("DELETE", &subscription_route(&purchase))
            .await
            .is_empty()
    );
    let payments = &stored(&app, &reader)[0].payments;
    let refunded: Vec<(String, i64)> = payments
        .iter()
        .map(|p| (p.provider_payment_id.clone(), p.refunded_cents))
        .collect();
    assert_eq!(
        refunded,
        vec![(purchase.payment_intent.clone(), PRICE_CENTS), (intent, 0)]
    );
}

fn back_date(app: &TestApp, reader: &TestReader, first_intent: &str) {
    use diesel::prelude::*;
    use masthead::db::schema::{payments, subscriptions};
    let now = Utc::now().naive_utc();
    diesel::update(payments::table.filter(payments::provider_payment_id.eq(first_intent)))
        .set(payments::paid_at.eq(now - chrono::Duration::days(31)))
        .execute(&mut app.db())
        .unwrap();
    let id = stored(app, reader)[0].row.id.clone();
    diesel::update(subscriptions::table.find(id))
        .set(subscriptions::current_period_start.eq(Some(now - chrono::Duration::seconds(60))))
        .execute(&mut app.db())
        .unwrap();
}

/// A partial refund (<https://docs.stripe.com/refunds#issuing>, an amount
/// below the charge's) is recorded against the payment it names.
async fn partial_refund_is_recorded_against_its_payment(app: TestApp, stripe: FakeStripe) {
    let (reader, purchase, _) = paid_subscription(&app, &stripe, Shape::Current).await;
    let refund_id = stripe_id("re");
    deliver_ok(
        &app,
        &event(
            "refund.created",
            refund_of(&purchase.payment_intent, 300, &refund_id, "succeeded"),
            Utc::now().timestamp(),
        ),
    )
    .await;
    let refunds = recorded_refunds(&app, &reader);
    assert_eq!(refunds.len(), 1);
    assert_eq!(refunds[0].amount_cents, 300);
    assert_eq!(
        refunds[0].provider_refund_id.as_deref(),
        Some(refund_id.as_str())
    );
    assert_eq!(my_subscription(&app, &reader).await["state"], "active");
    assert!(
        settled(&app)
            .await
            .iter()
            .all(|(kind, ..)| kind != "cancel_subscription")
    );
}

/// A Stripe customer may pay for other things than the magazine (a shop,
/// a donation): refunding such a charge in full — same customer, another
/// payment intent — leaves the subscription as it was.
async fn refund_of_another_charge_of_the_same_customer_touches_nothing(
    app: TestApp,
    stripe: FakeStripe,
) {
    let (reader, purchase, _) = paid_subscription(&app, &stripe, Shape::Current).await;
    let shop = stripe_id("pi");
    deliver_ok(
        &app,
        &purchase.charge_refunded_of(
            Shape::Current,
            &shop,
            None,
            PRICE_CENTS,
            &stripe_id("re"),
            Utc::now().timestamp(),
        ),
    )
    .await;
    deliver_ok(
        &app,
        &purchase.dispute_of(
            "created",
            &stripe_id("dp"),
            &shop,
            "needs_response",
            Utc::now().timestamp(),
        ),
    )
    .await;
    assert_eq!(my_subscription(&app, &reader).await["state"], "active");
    assert_eq!(deep_dive_granted(&app, &reader).await["granted"], true);
    assert!(recorded_refunds(&app, &reader).is_empty());
    settled(&app).await;
    assert!(
        stripe
            .requests_to("DELETE", &subscription_route(&purchase))
            .await
            .is_empty()
    );
    assert!(
        stripe
            .calls_to(&subscription_route(&purchase))
            .await
            .is_empty()
    );
}

/// `refund.failed` (<https://docs.stripe.com/refunds#failed-refunds>):
/// the money never left, so the refund is undone and access returns; the
/// Stripe subscription was cancelled meanwhile, so access lasts to the
/// period end (`canceling`).
async fn refund_failed_gives_access_back(app: TestApp, stripe: FakeStripe) {
    let (reader, purchase, _) = paid_subscription(&app, &stripe, Shape::Current).await;
    let refund_id = stripe_id("re");
    let now = Utc::now().timestamp();
    deliver_ok(
        &app,
        &event(
            "refund.created",
            refund_of(
                &purchase.payment_intent,
                PRICE_CENTS,
                &refund_id,
                "succeeded",
            ),
            now,
        ),
    )
    .await;
    assert_eq!(my_subscription(&app, &reader).await["state"], "refunded");
    settled(&app).await;
    deliver_ok(
        &app,
        &event(
            "refund.failed",
            refund_of(&purchase.payment_intent, PRICE_CENTS, &refund_id, "failed"),
            now + 1,
        ),
    )
    .await;
    assert_eq!(my_subscription(&app, &reader).await["state"], "canceling");
    assert_eq!(deep_dive_granted(&app, &reader).await["granted"], true);
    assert!(recorded_refunds(&app, &reader).is_empty());
    let stored = stored(&app, &reader);
    assert_eq!(stored[0].payments[0].refunded_cents, 0);
    assert_eq!(
        stored[0].events.last().unwrap(),
        &(Some("refunded".to_owned()), "canceling".to_owned())
    );
}

/// Stripe unavailable (a 500, <https://docs.stripe.com/error-low-level#server-errors>)
/// when the cancel is first tried: the webhook was answered already, and
/// the retry carries the same Idempotency-Key
/// (<https://docs.stripe.com/api/idempotent_requests>).
async fn stripe_failing_the_cancel_is_retried_with_the_same_key(app: TestApp, stripe: FakeStripe) {
    let (_reader, purchase, _) = paid_subscription(&app, &stripe, Shape::Current).await;
    fail_delete_once(&stripe, &subscription_route(&purchase)).await;
    deliver_ok(
        &app,
        &purchase.charge_refunded_of(
            Shape::Current,
            &purchase.payment_intent,
            None,
            PRICE_CENTS,
            &stripe_id("re"),
            Utc::now().timestamp(),
        ),
    )
    .await;
    let follow_ups = settled(&app).await;
    assert!(
        follow_ups
            .iter()
            .any(|(kind, status, _)| kind == "cancel_subscription" && status == "done")
    );
    let cancels = stripe
        .requests_to("DELETE", &subscription_route(&purchase))
        .await;
    assert_eq!(cancels.len(), 2, "{cancels:#?}");
    assert_eq!(cancels[0].idempotency_key, cancels[1].idempotency_key);
}

async fn fail_delete_once(stripe: &FakeStripe, route: &str) {
    use wiremock::matchers::{method, path};
    use wiremock::{Mock, ResponseTemplate};
    Mock::given(method("DELETE"))
        .and(path(route))
        .respond_with(ResponseTemplate::new(500).set_body_json(serde_json::json!({
            "error": {"type": "api_error", "message": "fake Stripe answered 500"}
        })))
        .with_priority(1)
        .up_to_n_times(1)
        .mount(&stripe.server)
        .await;
}

/// Staff see what Stripe's side changed: the history names `stripe`, and
/// the follow-ups with their status.
async fn staff_view_shows_what_stripe_did(app: TestApp, stripe: FakeStripe) {
    let (reader, purchase, _) = paid_subscription(&app, &stripe, Shape::Current).await;
    deliver_ok(
        &app,
        &purchase.charge_refunded_of(
            Shape::Current,
            &purchase.payment_intent,
            None,
            PRICE_CENTS,
            &stripe_id("re"),
            Utc::now().timestamp(),
        ),
    )
    .await;
    settled(&app).await;
    let support = app.new_staff(masthead::domain::Role::Support).await;
    let response = app
        .get_auth(
            &format!("/v1/admin/readers/{}", reader.id),
            &support.access_token,
        )
        .await;
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    let subscription = &body["subscriptions"][0];
    let last = subscription["events"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .clone();
    assert_eq!(last["to_state"], "refunded");
    assert_eq!(last["actor"], "provider:stripe");
    let follow_ups = subscription["provider_follow_ups"].as_array().unwrap();
    let kinds: Vec<(&str, &str, &str)> = follow_ups
        .iter()
        .map(|f| {
            (
                f["kind"].as_str().unwrap(),
                f["status"].as_str().unwrap(),
                f["actor"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        kinds,
        vec![
            ("learn_invoice_payment", "done", "stripe"),
            ("cancel_subscription", "done", "stripe")
        ]
    );
}
