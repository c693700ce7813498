//! A gift's money returned at Stripe ends the gift at once, as a guarantee
//! refund does: a refund made in Stripe's dashboard (`charge.refunded`,
//! <https://docs.stripe.com/api/events/types#event_types-charge.refunded>,
//! a Charge naming the gift's `payment_intent`, its `amount_refunded`,
//! `refunded` and `refunds` list, <https://docs.stripe.com/api/charges/object>)
//! and a chargeback (`charge.dispute.created`, a Dispute naming its
//! `charge` and `payment_intent`, <https://docs.stripe.com/api/disputes/object>).
//! Replayed events, and Stripe's report of a refund Masthead made itself
//! (even while that refund is still in flight), tell nobody twice.

use crate::support::fake_stripe::{FakeStripe, refund_id_of};
use crate::support::helpers::{TestApp, assert_problem};
use crate::support::outbox::{emails_settled, emails_to, token_in, wait_for_email};
use crate::support::stripe_events::{
    charge_of, deliver_ok, event, refund_of, resource, spawn_with_stripe_and_webhooks, stripe_id,
    with,
};
use diesel::prelude::*;
use masthead::db::schema::{gifts, subscriptions};
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::time::Duration;

on_both_backends!(
    with = spawn_with_stripe_and_webhooks;
    a_gift_refunded_in_the_stripe_dashboard_ends_at_once_and_tells_each_side_once,
    a_partial_dashboard_refund_leaves_the_gift_running,
    a_chargeback_ends_a_redeemed_gift_and_tells_only_the_recipient,
    stripe_reporting_a_refund_masthead_made_changes_nothing_more,
    stripe_reporting_a_refund_still_in_flight_does_not_fail_the_buyers_refund,
);

const RECEIPT: &str = "Your gift subscription: receipt";
const GIFT: &str = "A gift for you";
const REFUNDED: &str = "Your gift has been refunded";
const CANCELED: &str = "Your gift subscription has ended";
const PRICE: i64 = 5400;

/// A six-month digital gift for grace@example.com, paid at Stripe by
/// `payment_intent` and delivered; returns (gift id, redemption token,
/// refund token).
async fn paid_gift(app: &TestApp, payment_intent: &str) -> (String, String, String) {
    let response = app
        .post_json(
            "/v1/gifts/checkout",
            &json!({
                "tier": "digital",
                "months": 6,
                "recipient_email": "grace@example.com",
                "buyer_email": "buyer@example.com",
            }),
        )
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let opened: Value = response.json().await.unwrap();
    let gift = opened["checkout_id"].as_str().unwrap().to_owned();
    let session = with(
        resource("checkout.session"),
        json!({
            "id": stripe_id("cs_test"),
            "mode": "payment",
            "status": "complete",
            "payment_status": "paid",
            "client_reference_id": gift,
            "customer": null,
            "subscription": null,
            "invoice": null,
            "payment_intent": payment_intent,
            "amount_total": PRICE,
            "currency": "usd",
            "metadata": {"gift_id": gift},
        }),
    );
    let now = chrono::Utc::now().timestamp();
    deliver_ok(app, &event("checkout.session.completed", session, now)).await;
    let refund = token_in(&wait_for_email(app, "buyer@example.com", RECEIPT).await);
    let redeem = token_in(&wait_for_email(app, "grace@example.com", GIFT).await);
    (gift, redeem, refund)
}

/// `charge.refunded` of `payment_intent`'s charge: `refunded` of the
/// gift's price refunded so far, the newest refund `refund_id`.
fn charge_refunded(payment_intent: &str, refunded: i64, refund_id: &str) -> Value {
    let charge = with(
        resource("charge"),
        json!({
            "id": charge_of(payment_intent),
            "customer": null,
            "invoice": null,
            "payment_intent": payment_intent,
            "amount": PRICE,
            "amount_captured": PRICE,
            "amount_refunded": refunded,
            "refunded": refunded >= PRICE,
            "currency": "usd",
            "livemode": false,
            "refunds": {"object": "list", "has_more": false,
                        "data": [refund_of(payment_intent, refunded, refund_id, "succeeded")]},
        }),
    );
    event("charge.refunded", charge, chrono::Utc::now().timestamp())
}

fn dispute_created(payment_intent: &str) -> Value {
    let dispute = with(
        resource("dispute"),
        json!({
            "id": stripe_id("dp"),
            "amount": PRICE,
            "charge": charge_of(payment_intent),
            "payment_intent": payment_intent,
            "currency": "usd",
            "status": "needs_response",
            "reason": "fraudulent",
            "livemode": false,
        }),
    );
    event(
        "charge.dispute.created",
        dispute,
        chrono::Utc::now().timestamp(),
    )
}

fn status_of(app: &TestApp, gift: &str) -> String {
    gifts::table
        .find(gift)
        .select(gifts::status)
        .first(&mut app.db())
        .unwrap()
}

async fn redeem(app: &TestApp, access_token: &str, token: &str) -> reqwest::Response {
    app.client
        .post(app.url(&format!("/v1/gifts/{token}/redeem")))
        .bearer_auth(access_token)
        .send()
        .await
        .unwrap()
}

async fn refund_by_link(app: &TestApp, token: &str) -> reqwest::Response {
    app.client
        .post(app.url(&format!("/v1/gifts/refunds/{token}")))
        .send()
        .await
        .unwrap()
}

async fn told(app: &TestApp) -> (usize, usize) {
    emails_settled(app).await;
    (
        emails_to(app, "buyer@example.com", REFUNDED).await.len(),
        emails_to(app, "grace@example.com", CANCELED).await.len(),
    )
}

/// A full refund from the dashboard, delivered twice and once more under
/// another event id: the gift is `refunded` once, the buyer and the
/// recipient told once; the link can neither redeem nor refund it again
/// (no second refund asked of Stripe).
async fn a_gift_refunded_in_the_stripe_dashboard_ends_at_once_and_tells_each_side_once(
    app: TestApp,
    stripe: FakeStripe,
) {
    let (gift, redeem_token, refund_token) = paid_gift(&app, "pi_gift_dash").await;
    let refunded = charge_refunded("pi_gift_dash", PRICE, "re_dashboard_1");
    deliver_ok(&app, &refunded).await;
    deliver_ok(&app, &refunded).await;
    deliver_ok(
        &app,
        &charge_refunded("pi_gift_dash", PRICE, "re_dashboard_1"),
    )
    .await;
    assert_eq!(status_of(&app, &gift), "refunded");
    assert_eq!(told(&app).await, (1, 1));

    let reader = app.new_reader().await;
    let late = redeem(&app, &reader.access_token, &redeem_token).await;
    assert_problem(late, StatusCode::CONFLICT, "gift_refunded").await;
    let again = refund_by_link(&app, &refund_token).await;
    assert_problem(again, StatusCode::CONFLICT, "gift_already_refunded").await;
    assert!(stripe.calls_to("/v1/refunds").await.is_empty());
}

/// Part of the price refunded in the dashboard (a goodwill gesture): the
/// gift keeps running and nobody is told it ended.
async fn a_partial_dashboard_refund_leaves_the_gift_running(app: TestApp, _stripe: FakeStripe) {
    let (gift, redeem_token, _) = paid_gift(&app, "pi_gift_part").await;
    deliver_ok(&app, &charge_refunded("pi_gift_part", 1000, "re_partial_1")).await;
    assert_eq!(status_of(&app, &gift), "paid");
    assert_eq!(told(&app).await, (0, 0));
    let reader = app.new_reader().await;
    let redeemed = redeem(&app, &reader.access_token, &redeem_token).await;
    assert_eq!(redeemed.status(), StatusCode::CREATED);
}

/// Attack: the buyer gives the gift, lets it be redeemed, then files a
/// chargeback with their bank. The redeemed gift's subscription ends at
/// once; the recipient is told, the buyer (who started it) gets no
/// refund email; the dispute replayed changes nothing.
async fn a_chargeback_ends_a_redeemed_gift_and_tells_only_the_recipient(
    app: TestApp,
    _stripe: FakeStripe,
) {
    let (gift, redeem_token, _) = paid_gift(&app, "pi_gift_cb").await;
    let grace = app.new_reader().await;
    let redeemed = redeem(&app, &grace.access_token, &redeem_token).await;
    assert_eq!(redeemed.status(), StatusCode::CREATED);
    let dispute = dispute_created("pi_gift_cb");
    deliver_ok(&app, &dispute).await;
    deliver_ok(&app, &dispute).await;
    assert_eq!(status_of(&app, &gift), "refunded");
    let states: Vec<String> = subscriptions::table
        .filter(subscriptions::reader_id.eq(&grace.id))
        .select(subscriptions::state)
        .load(&mut app.db())
        .unwrap();
    assert_eq!(states, ["refunded"]);
    let mine: Value = app
        .get_auth("/v1/me/subscription", &grace.access_token)
        .await
        .json()
        .await
        .unwrap();
    assert!(
        !mine.to_string().contains("\"exclusive_content\""),
        "access ended with the chargeback: {mine}"
    );
    assert_eq!(told(&app).await, (0, 1));
}

/// The buyer refunds through the receipt's link; Stripe then reports that
/// very refund (`charge.refunded` naming it): nothing more happens.
async fn stripe_reporting_a_refund_masthead_made_changes_nothing_more(
    app: TestApp,
    stripe: FakeStripe,
) {
    let (gift, _, refund_token) = paid_gift(&app, "pi_gift_own").await;
    let done = refund_by_link(&app, &refund_token).await;
    assert_eq!(done.status(), StatusCode::OK);
    let made = refund_id_of(&stripe.calls_to("/v1/refunds").await[0]);
    deliver_ok(&app, &charge_refunded("pi_gift_own", PRICE, &made)).await;
    assert_eq!(status_of(&app, &gift), "refunded");
    let refunded_by: Option<String> = gifts::table
        .find(&gift)
        .select(gifts::refunded_by)
        .first(&mut app.db())
        .unwrap();
    assert_eq!(refunded_by.as_deref(), Some("buyer"));
    assert_eq!(told(&app).await, (1, 1));
}

/// Race: Stripe's `charge.refunded` for the buyer's refund arrives while
/// Masthead still waits for Stripe's answer to that refund. The webhook
/// ends the gift; the buyer's request still answers 200 (their refund went
/// through), and everyone is told once.
async fn stripe_reporting_a_refund_still_in_flight_does_not_fail_the_buyers_refund(
    app: TestApp,
    stripe: FakeStripe,
) {
    let (gift, _, refund_token) = paid_gift(&app, "pi_gift_race").await;
    stripe.slow_refunds(Duration::from_millis(1500)).await;
    let request = {
        let (client, url) = (
            app.client.clone(),
            app.url(&format!("/v1/gifts/refunds/{refund_token}")),
        );
        tokio::spawn(async move { client.post(url).send().await.unwrap() })
    };
    let deadline = std::time::Instant::now() + Duration::from_secs(5);
    let call = loop {
        if let Some(call) = stripe.calls_to("/v1/refunds").await.pop() {
            break call;
        }
        assert!(std::time::Instant::now() < deadline, "no refund asked");
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    deliver_ok(
        &app,
        &charge_refunded("pi_gift_race", PRICE, &refund_id_of(&call)),
    )
    .await;
    assert_eq!(status_of(&app, &gift), "refunded");
    let answered = request.await.unwrap();
    assert_eq!(answered.status(), StatusCode::OK);
    let body: Value = answered.json().await.unwrap();
    assert_eq!(body["status"], "refunded");
    assert_eq!(told(&app).await, (1, 1));
}
