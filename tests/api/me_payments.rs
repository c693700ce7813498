//! What a reader sees of their own money: `GET /v1/me/payments` (every
//! payment and refund, newest first, with the tax and invoice page Stripe
//! reported: <https://docs.stripe.com/api/invoices/object>, `total`,
//! `total_excluding_tax`, `hosted_invoice_url`), `GET
//! /v1/me/refund-requests` (status and support's note), and `PATCH /v1/me`
//! answering exactly as `GET /v1/me`.

use crate::support::helpers::{Backend, TestApp, assert_problem};
use crate::support::staff_fixtures::paid_subscription;
use crate::support::stripe_events::{deliver_ok, purchase, spawn_with_webhooks};
use masthead::domain::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};

on_both_backends!(
    payments_and_refunds_are_listed_newest_first,
    refund_requests_show_status_and_the_decision_note,
    patch_me_answers_the_same_shape_as_get_me,
    the_reader_money_endpoints_need_a_token,
);

async fn webhooks(backend: Backend) -> TestApp {
    spawn_with_webhooks(backend).await
}

on_both_backends!(with = webhooks; stripe_invoices_show_their_tax_and_page);

async fn items(app: &TestApp, path: &str, token: &str) -> Vec<Value> {
    let response = app.get_auth(path, token).await;
    assert_eq!(response.status(), StatusCode::OK);
    let body: Value = response.json().await.unwrap();
    body["items"].as_array().unwrap().clone()
}

async fn payments_and_refunds_are_listed_newest_first(app: TestApp) {
    let reader = app.new_reader().await;
    let stranger = app.new_reader().await;
    let paid = paid_subscription(&app, &reader.id, "dev", 40, 2);
    paid_subscription(&app, &stranger.id, "dev", 10, 1);
    assert_eq!(
        items(&app, "/v1/me/payments", &reader.access_token)
            .await
            .len(),
        2
    );

    let support = app.new_staff(Role::Support).await;
    let refunded = app
        .post_json_auth(
            &format!("/v1/admin/subscriptions/{}/refund", paid.id),
            &support.access_token,
            &json!({"reason": "the reader asked within the guarantee"}),
        )
        .await;
    assert_eq!(refunded.status(), StatusCode::OK);

    let history = items(&app, "/v1/me/payments", &reader.access_token).await;
    let kinds: Vec<&str> = history
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        ["refund", "refund", "payment", "payment"],
        "{history:#?}"
    );
    let times: Vec<&str> = history.iter().map(|e| e["at"].as_str().unwrap()).collect();
    let mut sorted = times.clone();
    sorted.sort_unstable_by(|a, b| b.cmp(a));
    assert_eq!(times, sorted, "newest first");
    for entry in &history {
        assert_eq!(entry["subscription_id"], paid.id.as_str());
        assert_eq!(entry["amount_cents"], 900);
        assert_eq!(entry["status"], "refunded");
    }
    let payment_ids: Vec<&Value> = history[2..].iter().map(|e| &e["id"]).collect();
    for refund in &history[..2] {
        assert!(payment_ids.contains(&&refund["payment_id"]), "{refund}");
    }
    insta::assert_json_snapshot!("me_payments", history, {
        "[].id" => "[id]",
        "[].subscription_id" => "[id]",
        "[].payment_id" => "[id]",
        "[].at" => "[timestamp]",
    });
}

async fn stripe_invoices_show_their_tax_and_page(app: TestApp) {
    let reader = app.new_reader().await;
    let purchase = purchase(&app, &reader);
    let now = chrono::Utc::now().timestamp();
    deliver_ok(&app, &purchase.session_completed(now)).await;
    let mut invoice = purchase.first_invoice_paid(now);
    let page = format!(
        "https://invoice.stripe.com/i/acct_test/{}",
        purchase.invoice
    );
    let object = &mut invoice["data"]["object"];
    object["total"] = json!(900);
    object["total_excluding_tax"] = json!(750);
    object["hosted_invoice_url"] = json!(page);
    deliver_ok(&app, &invoice).await;

    let history = items(&app, "/v1/me/payments", &reader.access_token).await;
    assert_eq!(history.len(), 1, "{history:#?}");
    let payment = &history[0];
    assert_eq!(payment["kind"], "payment");
    assert_eq!(payment["provider"], "stripe");
    assert_eq!(payment["amount_cents"], 900);
    assert_eq!(payment["tax_cents"], 150);
    assert_eq!(payment["invoice_url"], page.as_str());
    assert_eq!(payment["status"], "paid");
}

async fn refund_requests_show_status_and_the_decision_note(app: TestApp) {
    let reader = app.new_reader().await;
    let paid = paid_subscription(&app, &reader.id, "dev", 20, 1);
    assert!(
        items(&app, "/v1/me/refund-requests", &reader.access_token)
            .await
            .is_empty()
    );
    let asked: Value = app
        .post_json_auth(
            "/v1/me/subscription/refund-request",
            &reader.access_token,
            &json!({"reason": "not for me"}),
        )
        .await
        .json()
        .await
        .unwrap();
    let mine = items(&app, "/v1/me/refund-requests", &reader.access_token).await;
    assert_eq!(mine.len(), 1);
    assert_eq!(mine[0]["status"], "pending");
    assert_eq!(mine[0]["decision_note"], Value::Null);

    let support = app.new_staff(Role::Support).await;
    let denied = app
        .post_json_auth(
            &format!(
                "/v1/admin/refund-requests/{}/deny",
                asked["id"].as_str().unwrap()
            ),
            &support.access_token,
            &json!({"note": "already read 40 articles"}),
        )
        .await;
    assert_eq!(denied.status(), StatusCode::OK);
    let mine = items(&app, "/v1/me/refund-requests", &reader.access_token).await;
    assert_eq!(mine[0]["status"], "denied");
    assert_eq!(mine[0]["decision_note"], "already read 40 articles");
    assert_eq!(mine[0]["subscription_id"], paid.id.as_str());
    assert!(mine[0].get("decided_by").is_none(), "staff stay anonymous");
    insta::assert_json_snapshot!("me_refund_requests", mine, {
        "[].id" => "[id]",
        "[].subscription_id" => "[id]",
        "[].created_at" => "[timestamp]",
        "[].decided_at" => "[timestamp]",
    });
    let other = app.new_reader().await;
    assert!(
        items(&app, "/v1/me/refund-requests", &other.access_token)
            .await
            .is_empty()
    );
}

async fn patch_me_answers_the_same_shape_as_get_me(app: TestApp) {
    let reader = app.new_reader().await;
    paid_subscription(&app, &reader.id, "dev", 5, 1);
    let patched = app
        .client
        .patch(app.url("/v1/me"))
        .bearer_auth(&reader.access_token)
        .json(&json!({"name": "Ada Lovelace"}))
        .send()
        .await
        .unwrap();
    assert_eq!(patched.status(), StatusCode::OK);
    let patched: Value = patched.json().await.unwrap();
    let got: Value = app
        .get_auth("/v1/me", &reader.access_token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(patched, got);
    assert_eq!(patched["name"], "Ada Lovelace");
    assert!(
        !patched["entitlements"]["granted"]
            .as_array()
            .unwrap()
            .is_empty()
    );
}

async fn the_reader_money_endpoints_need_a_token(app: TestApp) {
    for path in ["/v1/me/payments", "/v1/me/refund-requests", "/v1/me/export"] {
        assert_problem(
            app.get(path).await,
            StatusCode::UNAUTHORIZED,
            "missing_token",
        )
        .await;
    }
}
