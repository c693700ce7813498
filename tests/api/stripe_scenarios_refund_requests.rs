//! A reader's refund request and the ways its subscription can be
//! refunded: a staff refund or a refund in Stripe's dashboard closes it;
//! a deny racing an approval whose refund is under way cannot leave it
//! denied while the money went back.

use crate::support::billing_fixtures::stored;
use crate::support::catalogue_fixtures::publish_sample_catalogue;
use crate::support::fake_stripe::FakeStripe;
use crate::support::helpers::{TestApp, TestReader, assert_problem};
use crate::support::stripe_events::{
    PRICE_CENTS, Purchase, Shape, deliver_ok, purchase, settled, stripe_id,
};
use chrono::Utc;
use masthead::domain::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::time::Duration;

on_both_backends!(with = crate::support::stripe_events::spawn_with_stripe_and_webhooks;
    a_dashboard_refund_closes_the_pending_request,
    a_direct_staff_refund_closes_the_pending_request,
    a_deny_racing_an_approval_in_flight_loses,
);

async fn paid_with_request(app: &TestApp, stripe: &FakeStripe) -> (TestReader, Purchase, String) {
    publish_sample_catalogue(app).await;
    let reader = app.new_reader().await;
    let purchase = purchase(app, &reader);
    stripe
        .invoice_paid_by(&purchase.invoice, &purchase.payment_intent, None)
        .await;
    let now = Utc::now().timestamp() - 60;
    deliver_ok(app, &purchase.session_completed(now)).await;
    deliver_ok(
        app,
        &purchase.invoice_event(
            Shape::Current,
            "paid",
            &purchase.invoice,
            &purchase.payment_intent,
            PRICE_CENTS,
            purchase.period_end,
            now,
        ),
    )
    .await;
    settled(app).await;
    let response = app
        .post_json_auth(
            "/v1/me/subscription/refund-request",
            &reader.access_token,
            &json!({"reason": "not for me"}),
        )
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let request: Value = response.json().await.unwrap();
    (reader, purchase, request["id"].as_str().unwrap().to_owned())
}

async fn request_status(app: &TestApp, id: &str) -> Value {
    let support = app.new_staff(Role::Support).await;
    let response = app
        .get_auth(
            "/v1/admin/refund-requests?status=all",
            &support.access_token,
        )
        .await;
    let body: Value = response.json().await.unwrap();
    body["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|item| item["id"] == id)
        .cloned()
        .unwrap_or_else(|| panic!("request {id} listed: {body}"))
}

/// A full refund in Stripe's dashboard
/// (<https://docs.stripe.com/refunds#issuing>) answers the reader's
/// request: it is closed, approved by `stripe`.
async fn a_dashboard_refund_closes_the_pending_request(app: TestApp, stripe: FakeStripe) {
    let (_reader, purchase, id) = paid_with_request(&app, &stripe).await;
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
    let request = request_status(&app, &id).await;
    assert_eq!(request["status"], "approved", "{request}");
    assert_eq!(request["decided_by"], "provider:stripe");
}

/// Staff refunding the subscription directly also closes its request.
async fn a_direct_staff_refund_closes_the_pending_request(app: TestApp, stripe: FakeStripe) {
    let (reader, _purchase, id) = paid_with_request(&app, &stripe).await;
    let subscription = stored(&app, &reader)[0].row.id.clone();
    let support = app.new_staff(Role::Support).await;
    let response = app
        .post_json_auth(
            &format!("/v1/admin/subscriptions/{subscription}/refund"),
            &support.access_token,
            &json!({"reason": "goodwill"}),
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let request = request_status(&app, &id).await;
    assert_eq!(request["status"], "approved", "{request}");
    assert_eq!(request["decided_by"], format!("staff:{}", support.id));
}

/// Two staff members at once: one approves (the refund is in flight at
/// Stripe), the other denies. The deny is refused; the request ends
/// approved, and the money went back once.
async fn a_deny_racing_an_approval_in_flight_loses(app: TestApp, stripe: FakeStripe) {
    let (_reader, _purchase, id) = paid_with_request(&app, &stripe).await;
    stripe.slow_refunds(Duration::from_millis(1500)).await;
    let approver = app.new_staff(Role::Support).await;
    let denier = app.new_staff(Role::Support).await;
    let approve = {
        let (client, url, token) = (
            app.client.clone(),
            app.url(&format!("/v1/admin/refund-requests/{id}/approve")),
            approver.access_token.clone(),
        );
        tokio::spawn(async move {
            client
                .post(url)
                .bearer_auth(token)
                .json(&json!({}))
                .send()
                .await
                .unwrap()
        })
    };
    // The approval is in flight once Stripe has its refund call (it
    // claimed the request before calling); Stripe then answers slowly.
    for _ in 0..100 {
        if !stripe.calls_to("/v1/refunds").await.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(stripe.calls_to("/v1/refunds").await.len(), 1);
    let deny_answer = app
        .post_json_auth(
            &format!("/v1/admin/refund-requests/{id}/deny"),
            &denier.access_token,
            &json!({"note": "no"}),
        )
        .await;
    assert_problem(deny_answer, StatusCode::CONFLICT, "refund_in_progress").await;
    let approve_answer = approve.await.unwrap();
    assert_eq!(approve_answer.status(), StatusCode::OK);
    assert_eq!(request_status(&app, &id).await["status"], "approved");
    assert_eq!(stripe.calls_to("/v1/refunds").await.len(), 1);
}
