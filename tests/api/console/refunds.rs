use super::{Console, field};
use crate::support::helpers::TestApp;
use crate::support::staff_fixtures::{audit_entries, paid_subscription, transitions_to};
use masthead::domain::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};

on_both_backends!(
    a_double_submitted_refund_refunds_once_and_is_the_apis_refund,
    a_refund_without_the_confirmation_or_a_reason_changes_nothing,
    support_cannot_refund_past_the_guarantee_from_the_console,
    an_approved_request_ends_the_readers_access,
);

/// The reader's payments and refunds as the reader sees them.
async fn history(app: &TestApp, token: &str) -> Vec<Value> {
    let body: Value = app
        .get_auth("/v1/me/payments", token)
        .await
        .json()
        .await
        .unwrap();
    body["items"].as_array().unwrap().clone()
}

async fn a_double_submitted_refund_refunds_once_and_is_the_apis_refund(app: TestApp) {
    let reader = app.new_reader().await;
    let paid = paid_subscription(&app, &reader.id, "dev", 20, 2);
    let support = app.new_staff(Role::Support).await;
    let console = Console::signed_in(&app, &support.email, &support.password).await;
    let path = format!(
        "/console/readers/{}/subscriptions/{}/refund",
        reader.id, paid.id
    );
    let confirm = console.get(&path).await;
    assert_eq!(confirm.status, StatusCode::OK, "{}", confirm.body);
    assert!(
        confirm.body.contains("18.00"),
        "the amount is shown: {}",
        confirm.body
    );
    assert!(
        confirm.body.contains("covers it until"),
        "the window is shown"
    );
    let key = field(&confirm.body, "idempotency_key");
    let csrf = field(&confirm.body, "csrf");
    let form = [
        ("csrf", csrf.as_str()),
        ("idempotency_key", key.as_str()),
        ("reason", "asked within the guarantee"),
        ("confirm", "true"),
    ];
    let first = console.post(&path, &form).await;
    assert_eq!(first.status, StatusCode::SEE_OTHER, "{}", first.body);
    assert_eq!(first.location(), format!("/console/readers/{}", reader.id));
    let again = console.post(&path, &form).await;
    assert_eq!(again.status, StatusCode::SEE_OTHER, "{}", again.body);
    let shown = console.get(first.location()).await;
    assert!(shown.body.contains("refunded"), "{}", shown.body);

    // The API's refund: the reader's payments show it, once per payment;
    // one transition, one audit entry.
    let kinds: Vec<String> = history(&app, &reader.access_token)
        .await
        .iter()
        .map(|e| e["kind"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        kinds.iter().filter(|k| *k == "refund").count(),
        2,
        "{kinds:?}"
    );
    assert_eq!(transitions_to(&app, &paid.id, "refunded"), 1);
    let entries = audit_entries(&app, "subscription_refunded", &paid.id);
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].0, support.id);
    assert_eq!(entries[0].2.as_deref(), Some("asked within the guarantee"));
}

async fn a_refund_without_the_confirmation_or_a_reason_changes_nothing(app: TestApp) {
    let reader = app.new_reader().await;
    let paid = paid_subscription(&app, &reader.id, "dev", 5, 1);
    let support = app.new_staff(Role::Support).await;
    let console = Console::signed_in(&app, &support.email, &support.password).await;
    let path = format!(
        "/console/readers/{}/subscriptions/{}/refund",
        reader.id, paid.id
    );
    let csrf = console.csrf().await;
    let unconfirmed = console
        .post(&path, &[("csrf", &csrf), ("reason", "asked")])
        .await;
    assert_eq!(unconfirmed.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        unconfirmed.body.contains("confirm the amount"),
        "{}",
        unconfirmed.body
    );
    let no_reason = console
        .post(&path, &[("csrf", &csrf), ("confirm", "true")])
        .await;
    assert_eq!(no_reason.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(no_reason.body.contains("reason"), "{}", no_reason.body);
    assert_eq!(transitions_to(&app, &paid.id, "refunded"), 0);
    let unknown = console
        .post(
            &format!("/console/readers/{}/subscriptions/nope/refund", reader.id),
            &[("csrf", &csrf), ("confirm", "true"), ("reason", "x")],
        )
        .await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND, "{}", unknown.body);
}

async fn support_cannot_refund_past_the_guarantee_from_the_console(app: TestApp) {
    let reader = app.new_reader().await;
    let paid = paid_subscription(&app, &reader.id, "dev", 61, 1);
    let support = app.new_staff(Role::Support).await;
    let console = Console::signed_in(&app, &support.email, &support.password).await;
    let path = format!(
        "/console/readers/{}/subscriptions/{}/refund",
        reader.id, paid.id
    );
    let confirm = console.get(&path).await;
    assert!(confirm.body.contains("only an admin"), "{}", confirm.body);
    let csrf = field(&confirm.body, "csrf");
    let refused = console
        .post(
            &path,
            &[
                ("csrf", &csrf),
                ("reason", "late"),
                ("confirm", "true"),
                ("override", "true"),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.body);
    assert_eq!(transitions_to(&app, &paid.id, "refunded"), 0);
}

async fn an_approved_request_ends_the_readers_access(app: TestApp) {
    let reader = app.new_reader().await;
    let paid = paid_subscription(&app, &reader.id, "dev", 20, 1);
    let asked = app
        .post_json_auth(
            "/v1/me/subscription/refund-request",
            &reader.access_token,
            &json!({"reason": "not for me after all"}),
        )
        .await;
    assert_eq!(asked.status(), StatusCode::CREATED);
    let request: Value = asked.json().await.unwrap();
    let id = request["id"].as_str().unwrap();
    let support = app.new_staff(Role::Support).await;
    let console = Console::signed_in(&app, &support.email, &support.password).await;
    let queue = console.get("/console/refund-requests").await;
    assert!(
        queue.body.contains("not for me after all"),
        "{}",
        queue.body
    );
    let key = field(&queue.body, "idempotency_key");
    let csrf = field(&queue.body, "csrf");
    let path = format!("/console/refund-requests/{id}/approve");
    let form = [("csrf", csrf.as_str()), ("idempotency_key", key.as_str())];
    let approved = console.post(&path, &form).await;
    assert_eq!(approved.status, StatusCode::SEE_OTHER, "{}", approved.body);
    let twice = console.post(&path, &form).await;
    assert_eq!(twice.status, StatusCode::SEE_OTHER, "{}", twice.body);
    let after = console.get("/console/refund-requests").await;
    assert!(after.body.contains("Request approved"), "{}", after.body);
    assert!(!after.body.contains("not for me after all"));
    assert_eq!(transitions_to(&app, &paid.id, "refunded"), 1);
    let mine: Value = app
        .get_auth("/v1/me/subscription", &reader.access_token)
        .await
        .json()
        .await
        .unwrap();
    assert_ne!(
        mine["entitlements"],
        json!(["archive", "audio", "digital_edition", "exclusive_content"])
    );
    assert!(
        mine.to_string().contains("refunded") || mine["subscription"].is_null(),
        "{mine}"
    );
}
