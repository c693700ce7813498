//! Readers ask for their money back; support approves (a refund) or denies.

use crate::support::helpers::{TestApp, assert_problem};
use crate::support::staff_fixtures::{audit_entries, paid_subscription, transitions_to};
use masthead::domain::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};

on_both_backends!(
    a_reader_asks_and_support_approves,
    support_denies_with_a_note,
    one_pending_request_per_subscription,
    nothing_paid_nothing_to_request,
);

async fn ask(app: &TestApp, token: &str, reason: &str) -> reqwest::Response {
    app.post_json_auth(
        "/v1/me/subscription/refund-request",
        token,
        &json!({"reason": reason}),
    )
    .await
}

async fn pending(app: &TestApp, token: &str) -> Vec<Value> {
    let response = app.get_auth("/v1/admin/refund-requests", token).await;
    assert_eq!(response.status(), StatusCode::OK);
    let body: Value = response.json().await.unwrap();
    body["items"].as_array().unwrap().clone()
}

async fn a_reader_asks_and_support_approves(app: TestApp) {
    let reader = app.new_reader().await;
    let paid = paid_subscription(&app, &reader.id, "dev", 20, 1);
    let response = ask(&app, &reader.access_token, "not for me").await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let request: Value = response.json().await.unwrap();
    assert_eq!(request["status"], "pending");
    assert_eq!(request["subscription_id"], paid.id.as_str());
    assert_eq!(request["within_guarantee"], true);

    let support = app.new_staff(Role::Support).await;
    let queue = pending(&app, &support.access_token).await;
    assert_eq!(queue.len(), 1);
    assert_eq!(queue[0]["reason"], "not for me");
    let id = request["id"].as_str().unwrap();
    let approved = app
        .post_json_auth(
            &format!("/v1/admin/refund-requests/{id}/approve"),
            &support.access_token,
            &json!({}),
        )
        .await;
    let status = approved.status();
    let approved: Value = approved.json().await.unwrap();
    assert_eq!(status, StatusCode::OK, "{approved}");
    assert_eq!(approved["subscription"]["state"], "refunded");
    assert_eq!(approved["refunded_cents"], 900);
    assert_eq!(transitions_to(&app, &paid.id, "refunded"), 1);
    assert!(pending(&app, &support.access_token).await.is_empty());

    let all: Value = app
        .get_auth(
            "/v1/admin/refund-requests?status=approved",
            &support.access_token,
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(all["items"][0]["status"], "approved");
    assert_eq!(
        all["items"][0]["decided_by"],
        format!("staff:{}", support.id)
    );
    let again = app
        .post_json_auth(
            &format!("/v1/admin/refund-requests/{id}/approve"),
            &support.access_token,
            &json!({}),
        )
        .await;
    // Approving an approved request replays the decision.
    let status = again.status();
    let again: Value = again.json().await.unwrap();
    assert_eq!(status, StatusCode::OK, "{again}");
    assert_eq!(again["replayed"], true);
    assert_eq!(again["refunded_cents"], 900);
    assert_eq!(
        audit_entries(&app, "subscription_refunded", &paid.id).len(),
        1
    );
    let deny = app
        .post_json_auth(
            &format!("/v1/admin/refund-requests/{id}/deny"),
            &support.access_token,
            &json!({"note": "changed my mind"}),
        )
        .await;
    assert_problem(deny, StatusCode::CONFLICT, "refund_request_decided").await;
}

async fn support_denies_with_a_note(app: TestApp) {
    let reader = app.new_reader().await;
    let paid = paid_subscription(&app, &reader.id, "dev", 20, 1);
    let request: Value = ask(&app, &reader.access_token, "meh")
        .await
        .json()
        .await
        .unwrap();
    let id = request["id"].as_str().unwrap();
    let support = app.new_staff(Role::Support).await;
    let path = format!("/v1/admin/refund-requests/{id}/deny");
    let no_note = app
        .post_json_auth(&path, &support.access_token, &json!({}))
        .await;
    assert_problem(
        no_note,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    let denied = app
        .post_json_auth(
            &path,
            &support.access_token,
            &json!({"note": "already read 40 articles"}),
        )
        .await;
    assert_eq!(denied.status(), StatusCode::OK);
    let denied: Value = denied.json().await.unwrap();
    assert_eq!(denied["status"], "denied");
    assert_eq!(denied["decision_note"], "already read 40 articles");
    assert_eq!(transitions_to(&app, &paid.id, "refunded"), 0);
    let entries = audit_entries(&app, "refund_request_denied", id);
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].2.as_deref(), Some("already read 40 articles"));
    // Denying a denied request replays the decision (its first note).
    let twice = app
        .post_json_auth(&path, &support.access_token, &json!({"note": "no"}))
        .await;
    assert_eq!(twice.status(), StatusCode::OK);
    let twice: Value = twice.json().await.unwrap();
    assert_eq!(twice["status"], "denied");
    assert_eq!(twice["decision_note"], "already read 40 articles");
    assert_eq!(audit_entries(&app, "refund_request_denied", id).len(), 1);
    let approve = app
        .post_json_auth(
            &format!("/v1/admin/refund-requests/{id}/approve"),
            &support.access_token,
            &json!({}),
        )
        .await;
    assert_problem(approve, StatusCode::CONFLICT, "refund_request_decided").await;
    assert_eq!(transitions_to(&app, &paid.id, "refunded"), 0);
    let unknown = app
        .post_json_auth(
            "/v1/admin/refund-requests/nope/deny",
            &support.access_token,
            &json!({"note": "no"}),
        )
        .await;
    assert_problem(unknown, StatusCode::NOT_FOUND, "refund_request_not_found").await;
}

async fn one_pending_request_per_subscription(app: TestApp) {
    let reader = app.new_reader().await;
    paid_subscription(&app, &reader.id, "dev", 2, 1);
    assert_eq!(
        ask(&app, &reader.access_token, "one").await.status(),
        StatusCode::CREATED
    );
    let twice = ask(&app, &reader.access_token, "two").await;
    assert_problem(twice, StatusCode::CONFLICT, "refund_request_pending").await;
    let blank = ask(&app, &reader.access_token, "   ").await;
    assert_problem(blank, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
}

async fn nothing_paid_nothing_to_request(app: TestApp) {
    let reader = app.new_reader().await;
    let response = ask(&app, &reader.access_token, "why not").await;
    assert_problem(response, StatusCode::CONFLICT, "nothing_to_refund").await;
    let anonymous = app
        .post_json(
            "/v1/me/subscription/refund-request",
            &json!({"reason": "x"}),
        )
        .await;
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
}
