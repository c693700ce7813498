//! Shapes of money moving: a reader's refund request, support approving and
//! denying requests, a staff refund and a staff cancellation, and the whole
//! pages of the lists that show them (development provider, paid
//! subscriptions arranged in the database).

use super::shape;
use crate::support::helpers::{TestApp, TestReader};
use crate::support::staff_fixtures::paid_subscription;
use masthead::domain::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};

on_both_backends!(refund_request_shapes, staff_money_shapes, money_list_shapes);

/// Asks for a refund of `reader`'s current subscription; returns the
/// request's id and its redacted shape.
async fn ask(app: &TestApp, reader: &TestReader) -> (String, Value) {
    let response = app
        .post_json_auth(
            "/v1/me/subscription/refund-request",
            &reader.access_token,
            &json!({"reason": "not for me"}),
        )
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let mut body: Value = response.json().await.expect("a JSON body");
    let id = body["id"].as_str().expect("an id").to_owned();
    super::redact(&mut body);
    (id, body)
}

async fn refund_request_shapes(app: TestApp) {
    let support = app.new_staff(Role::Support).await;
    let approved = app.new_reader().await;
    paid_subscription(&app, &approved.id, "dev", 20, 1);
    let (id, asked) = ask(&app, &approved).await;
    insta::assert_json_snapshot!("refund_request_created", asked);
    let answer = app
        .post_json_auth(
            &format!("/v1/admin/refund-requests/{id}/approve"),
            &support.access_token,
            &json!({}),
        )
        .await;
    insta::assert_json_snapshot!(
        "refund_request_approved",
        shape(answer, StatusCode::OK).await
    );
    let denied = app.new_reader().await;
    paid_subscription(&app, &denied.id, "dev", 20, 1);
    let (id, _) = ask(&app, &denied).await;
    let answer = app
        .post_json_auth(
            &format!("/v1/admin/refund-requests/{id}/deny"),
            &support.access_token,
            &json!({"note": "outside what we offer"}),
        )
        .await;
    insta::assert_json_snapshot!("refund_request_denied", shape(answer, StatusCode::OK).await);
}

async fn staff_money_shapes(app: TestApp) {
    let support = app.new_staff(Role::Support).await;
    let token = support.access_token.as_str();
    let refunded = app.new_reader().await;
    let paid = paid_subscription(&app, &refunded.id, "dev", 5, 1);
    let answer = app
        .post_json_auth(
            &format!("/v1/admin/subscriptions/{}/refund", paid.id),
            token,
            &json!({"reason": "the reader asked within the guarantee"}),
        )
        .await;
    insta::assert_json_snapshot!("admin_refund", shape(answer, StatusCode::OK).await);
    let canceled = app.new_reader().await;
    let paid = paid_subscription(&app, &canceled.id, "dev", 10, 1);
    let answer = app
        .post_json_auth(
            &format!("/v1/admin/subscriptions/{}/cancel", paid.id),
            token,
            &json!({"at": "period_end", "reason": "asked by phone"}),
        )
        .await;
    insta::assert_json_snapshot!("admin_cancel", shape(answer, StatusCode::OK).await);
}

/// The paging envelope with its items: the older snapshots of these lists
/// (`me_payments`, `staff_views`) pin one item each, not the page around it.
async fn money_list_shapes(app: TestApp) {
    let support = app.new_staff(Role::Support).await;
    let reader = app.new_reader().await;
    paid_subscription(&app, &reader.id, "dev", 3, 1);
    ask(&app, &reader).await;
    for (name, path, token) in [
        ("me_payments_page", "/v1/me/payments", &reader.access_token),
        (
            "me_refund_requests_page",
            "/v1/me/refund-requests",
            &reader.access_token,
        ),
        (
            "admin_refund_requests_page",
            "/v1/admin/refund-requests",
            &support.access_token,
        ),
    ] {
        let page = shape(app.get_auth(path, token).await, StatusCode::OK).await;
        insta::assert_json_snapshot!(name, page);
    }
}
