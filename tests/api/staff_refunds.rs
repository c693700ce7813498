//! The 60-day money-back guarantee from support's side: who may refund
//! when, what happens at the payment provider (the fake Stripe), and that
//! one refund is one refund however it is asked for.

use crate::support::fake_stripe::FakeStripe;
use crate::support::helpers::{TestApp, assert_problem};
use crate::support::staff_fixtures::{audit_entries, paid_subscription, transitions_to};
use masthead::domain::Role;
use reqwest::{Response, StatusCode};
use serde_json::{Value, json};

on_both_backends!(with = crate::support::fake_stripe::spawn_app_with_stripe;
    support_refunds_on_day_59_and_access_ends_at_once,
    after_the_guarantee_only_an_admin_with_override_refunds,
    twenty_concurrent_refunds_refund_once,
    a_retry_with_the_same_idempotency_key_gets_the_same_result,
    an_idempotency_key_cannot_be_reused_for_another_subscription,
    a_refund_the_provider_refuses_changes_nothing,
    every_payment_of_the_subscription_is_refunded,
    refunds_need_a_reason_and_a_refundable_subscription,
);

async fn refund(
    app: &TestApp,
    token: &str,
    subscription: &str,
    body: &Value,
    key: Option<&str>,
) -> Response {
    let mut request = app
        .client
        .post(app.url(&format!("/v1/admin/subscriptions/{subscription}/refund")))
        .bearer_auth(token)
        .json(body);
    if let Some(key) = key {
        request = request.header("Idempotency-Key", key);
    }
    request.send().await.unwrap()
}

async fn granted(app: &TestApp, token: &str) -> Vec<Value> {
    let response = app.get_auth("/v1/me/subscription", token).await;
    assert_eq!(response.status(), StatusCode::OK);
    let body: Value = response.json().await.unwrap();
    body["entitlements"]["granted"].as_array().unwrap().clone()
}

async fn support_refunds_on_day_59_and_access_ends_at_once(app: TestApp, stripe: FakeStripe) {
    let reader = app.new_reader().await;
    let paid = paid_subscription(&app, &reader.id, "stripe", 59, 1);
    assert!(!granted(&app, &reader.access_token).await.is_empty());
    let support = app.new_staff(Role::Support).await;

    let response = refund(
        &app,
        &support.access_token,
        &paid.id,
        &json!({"reason": "the reader asked within the guarantee"}),
        None,
    )
    .await;
    let status = response.status();
    let body: Value = response.json().await.unwrap();
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["subscription"]["state"], "refunded");
    assert_eq!(body["refunded_cents"], 900);
    assert_eq!(body["within_guarantee"], true);
    assert_eq!(body["replayed"], false);

    let refunds = stripe.calls_to("/v1/refunds").await;
    assert_eq!(refunds.len(), 1);
    assert_eq!(refunds[0].param("amount"), Some("900"));
    assert_eq!(
        refunds[0].param("payment_intent"),
        Some(paid.payment_ids[0].as_str())
    );
    let route = format!("/v1/subscriptions/{}", paid.provider_subscription_id);
    assert_eq!(stripe.requests_to("DELETE", &route).await.len(), 1);

    assert!(
        granted(&app, &reader.access_token).await.is_empty(),
        "access ends at once"
    );
    assert_eq!(
        app.get_auth("/v1/me", &reader.access_token).await.status(),
        StatusCode::OK,
        "the reader's session keeps working"
    );
    let entries = audit_entries(&app, "subscription_refunded", &paid.id);
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].0, support.id);
    assert_eq!(entries[0].1, "support");
    assert_eq!(
        entries[0].2.as_deref(),
        Some("the reader asked within the guarantee")
    );
    assert!(entries[0].3.is_some(), "the request id is recorded");
}

async fn after_the_guarantee_only_an_admin_with_override_refunds(app: TestApp, stripe: FakeStripe) {
    let reader = app.new_reader().await;
    let paid = paid_subscription(&app, &reader.id, "stripe", 61, 1);
    let support = app.new_staff(Role::Support).await;
    let admin = app.new_staff(Role::Admin).await;
    let reason = json!({"reason": "late, but the issue never arrived"});

    let late = refund(&app, &support.access_token, &paid.id, &reason, None).await;
    assert_problem(late, StatusCode::FORBIDDEN, "guarantee_window_passed").await;
    let with_override = json!({"reason": "goodwill", "override": true});
    let support_override =
        refund(&app, &support.access_token, &paid.id, &with_override, None).await;
    assert_problem(
        support_override,
        StatusCode::FORBIDDEN,
        "guarantee_window_passed",
    )
    .await;
    let admin_plain = refund(&app, &admin.access_token, &paid.id, &reason, None).await;
    assert_problem(
        admin_plain,
        StatusCode::UNPROCESSABLE_ENTITY,
        "override_required",
    )
    .await;
    assert!(stripe.calls_to("/v1/refunds").await.is_empty());
    assert!(
        !granted(&app, &reader.access_token).await.is_empty(),
        "nothing changed yet"
    );

    let response = refund(&app, &admin.access_token, &paid.id, &with_override, None).await;
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["subscription"]["state"], "refunded", "{body}");
    assert_eq!(body["within_guarantee"], false);
    assert_eq!(stripe.calls_to("/v1/refunds").await.len(), 1);
    assert!(granted(&app, &reader.access_token).await.is_empty());
    let entries = audit_entries(&app, "subscription_refunded", &paid.id);
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].1, "admin");
}

async fn twenty_concurrent_refunds_refund_once(app: TestApp, stripe: FakeStripe) {
    let reader = app.new_reader().await;
    let paid = paid_subscription(&app, &reader.id, "stripe", 10, 1);
    let support = app.new_staff(Role::Support).await;
    let body = json!({"reason": "double clicks"});
    let calls = (0..20).map(|_| refund(&app, &support.access_token, &paid.id, &body, None));
    let responses = futures_util::future::join_all(calls).await;
    let mut ok = 0;
    for response in responses {
        match response.status() {
            StatusCode::OK => {
                let body: Value = response.json().await.unwrap();
                assert_eq!(body["subscription"]["state"], "refunded");
                assert_eq!(body["refunded_cents"], 900);
                ok += 1;
            }
            StatusCode::CONFLICT => {
                assert_problem(response, StatusCode::CONFLICT, "refund_in_progress").await;
            }
            other => panic!("unexpected {other}"),
        }
    }
    assert!(ok >= 1);
    assert_eq!(
        stripe.calls_to("/v1/refunds").await.len(),
        1,
        "one refund at Stripe"
    );
    assert_eq!(
        transitions_to(&app, &paid.id, "refunded"),
        1,
        "one transition"
    );
    assert_eq!(
        audit_entries(&app, "subscription_refunded", &paid.id).len(),
        1
    );

    let later = refund(&app, &support.access_token, &paid.id, &body, None).await;
    let later: Value = later.json().await.unwrap();
    assert_eq!(later["replayed"], true);
    assert_eq!(later["refunded_cents"], 900);
    assert_eq!(stripe.calls_to("/v1/refunds").await.len(), 1);
}

async fn a_retry_with_the_same_idempotency_key_gets_the_same_result(
    app: TestApp,
    stripe: FakeStripe,
) {
    let reader = app.new_reader().await;
    let paid = paid_subscription(&app, &reader.id, "stripe", 3, 1);
    let support = app.new_staff(Role::Support).await;
    let body = json!({"reason": "changed their mind"});
    let first: Value = refund(&app, &support.access_token, &paid.id, &body, Some("key-1"))
        .await
        .json()
        .await
        .unwrap();
    let again: Value = refund(&app, &support.access_token, &paid.id, &body, Some("key-1"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(first["replayed"], false);
    assert_eq!(again["replayed"], true);
    assert_eq!(first["refunds"], again["refunds"]);
    assert_eq!(first["subscription"], again["subscription"]);
    assert_eq!(stripe.calls_to("/v1/refunds").await.len(), 1);
}

async fn an_idempotency_key_cannot_be_reused_for_another_subscription(
    app: TestApp,
    _stripe: FakeStripe,
) {
    let (one, two) = (app.new_reader().await, app.new_reader().await);
    let first = paid_subscription(&app, &one.id, "stripe", 3, 1);
    let second = paid_subscription(&app, &two.id, "stripe", 3, 1);
    let support = app.new_staff(Role::Support).await;
    let body = json!({"reason": "asked"});
    let response = refund(
        &app,
        &support.access_token,
        &first.id,
        &body,
        Some("shared"),
    )
    .await;
    assert_eq!(response.status(), StatusCode::OK);
    let reused = refund(
        &app,
        &support.access_token,
        &second.id,
        &body,
        Some("shared"),
    )
    .await;
    assert_problem(
        reused,
        StatusCode::UNPROCESSABLE_ENTITY,
        "idempotency_key_reused",
    )
    .await;
    let bad = refund(
        &app,
        &support.access_token,
        &second.id,
        &body,
        Some("not ok"),
    )
    .await;
    assert_problem(bad, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
}

async fn a_refund_the_provider_refuses_changes_nothing(app: TestApp, stripe: FakeStripe) {
    let reader = app.new_reader().await;
    let paid = paid_subscription(&app, &reader.id, "stripe", 5, 1);
    let support = app.new_staff(Role::Support).await;
    let body = json!({"reason": "asked"});
    stripe.fail_once("/v1/refunds", 400).await;
    let refused = refund(&app, &support.access_token, &paid.id, &body, None).await;
    assert_problem(
        refused,
        StatusCode::BAD_GATEWAY,
        "payment_provider_rejected",
    )
    .await;
    assert!(
        !granted(&app, &reader.access_token).await.is_empty(),
        "access continues"
    );
    assert_eq!(transitions_to(&app, &paid.id, "refunded"), 0);
    assert!(audit_entries(&app, "subscription_refunded", &paid.id).is_empty());
    let route = format!("/v1/subscriptions/{}", paid.provider_subscription_id);
    assert!(
        stripe.requests_to("DELETE", &route).await.is_empty(),
        "still renewing"
    );

    stripe.fail_once("/v1/refunds", 500).await;
    let unavailable = refund(&app, &support.access_token, &paid.id, &body, None).await;
    assert_problem(
        unavailable,
        StatusCode::SERVICE_UNAVAILABLE,
        "payment_provider_unavailable",
    )
    .await;

    let retried = refund(&app, &support.access_token, &paid.id, &body, None).await;
    assert_eq!(retried.status(), StatusCode::OK, "the claim was released");
    assert_eq!(transitions_to(&app, &paid.id, "refunded"), 1);
}

async fn every_payment_of_the_subscription_is_refunded(app: TestApp, stripe: FakeStripe) {
    let reader = app.new_reader().await;
    let paid = paid_subscription(&app, &reader.id, "stripe", 45, 2);
    let support = app.new_staff(Role::Support).await;
    let response = refund(
        &app,
        &support.access_token,
        &paid.id,
        &json!({"reason": "asked"}),
        None,
    )
    .await;
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["refunded_cents"], 1800, "{body}");
    assert_eq!(body["refunds"].as_array().unwrap().len(), 2);
    let refunded: Vec<String> = stripe
        .calls_to("/v1/refunds")
        .await
        .iter()
        .map(|call| call.param("payment_intent").unwrap().to_owned())
        .collect();
    assert_eq!(refunded, paid.payment_ids);
}

async fn refunds_need_a_reason_and_a_refundable_subscription(app: TestApp, _stripe: FakeStripe) {
    let reader = app.new_reader().await;
    let paid = paid_subscription(&app, &reader.id, "stripe", 5, 1);
    let support = app.new_staff(Role::Support).await;
    let token = &support.access_token;
    let no_reason = refund(&app, token, &paid.id, &json!({}), None).await;
    let problem = assert_problem(
        no_reason,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(problem["errors"][0]["field"], "reason");
    let unknown = refund(
        &app,
        token,
        "not-a-subscription",
        &json!({"reason": "x"}),
        None,
    )
    .await;
    assert_problem(unknown, StatusCode::NOT_FOUND, "subscription_not_found").await;
    let missing = refund(
        &app,
        token,
        &uuid::Uuid::now_v7().to_string(),
        &json!({"reason": "x"}),
        None,
    )
    .await;
    assert_problem(missing, StatusCode::NOT_FOUND, "subscription_not_found").await;

    let comp_reader = app.new_reader().await;
    let comp = app
        .post_json_auth(
            &format!("/v1/admin/readers/{}/comp", comp_reader.id),
            token,
            &json!({"tier": "digital", "until": "2099-01-01T00:00:00Z", "reason": "contributor"}),
        )
        .await;
    let comp: Value = comp.json().await.unwrap();
    let id = comp["id"].as_str().unwrap();
    let comp_refund = refund(&app, token, id, &json!({"reason": "x"}), None).await;
    assert_problem(comp_refund, StatusCode::CONFLICT, "not_refundable").await;
}
