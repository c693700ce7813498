//! Comps and manual fixes: support grants, extends and ends comps, and
//! cancels subscriptions at the period end or now; each with its audit entry.

use crate::support::helpers::{TestApp, assert_problem};
use crate::support::staff_fixtures::{audit_entries, paid_subscription, transitions_to};
use masthead::domain::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};

on_both_backends!(
    a_comp_grants_its_tier_until_it_ends,
    comps_are_validated,
    support_cancels_at_period_end_or_now,
    a_paid_subscription_without_a_renewing_provider_can_be_extended,
);

async fn granted(app: &TestApp, token: &str) -> Vec<Value> {
    let body: Value = app
        .get_auth("/v1/me/subscription", token)
        .await
        .json()
        .await
        .unwrap();
    body["entitlements"]["granted"].as_array().unwrap().clone()
}

async fn a_comp_grants_its_tier_until_it_ends(app: TestApp) {
    let reader = app.new_reader().await;
    let support = app.new_staff(Role::Support).await;
    let path = format!("/v1/admin/readers/{}/comp", reader.id);
    let body = json!({"tier": "print", "until": "2099-01-01T00:00:00Z", "reason": "contributor"});
    let response = app
        .post_json_auth(&path, &support.access_token, &body)
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let comp: Value = response.json().await.unwrap();
    assert_eq!(comp["state"], "comped");
    assert_eq!(comp["comped_until"], "2099-01-01T00:00:00Z");
    let id = comp["id"].as_str().unwrap().to_owned();
    assert!(
        granted(&app, &reader.access_token)
            .await
            .contains(&json!("print_edition"))
    );
    let twice = app
        .post_json_auth(&path, &support.access_token, &body)
        .await;
    assert_problem(twice, StatusCode::CONFLICT, "already_comped").await;

    let extended = app
        .post_json_auth(
            &format!("/v1/admin/subscriptions/{id}/extend"),
            &support.access_token,
            &json!({"until": "2100-06-01T00:00:00Z", "reason": "a second year"}),
        )
        .await;
    let extended: Value = extended.json().await.unwrap();
    assert_eq!(
        extended["comped_until"], "2100-06-01T00:00:00Z",
        "{extended}"
    );

    let ended = app
        .post_json_auth(
            &format!("/v1/admin/subscriptions/{id}/end-comp"),
            &support.access_token,
            &json!({"reason": "left the magazine"}),
        )
        .await;
    let ended: Value = ended.json().await.unwrap();
    assert_eq!(ended["state"], "expired", "{ended}");
    assert!(granted(&app, &reader.access_token).await.is_empty());
    assert_eq!(audit_entries(&app, "comp_granted", &reader.id).len(), 1);
    assert_eq!(audit_entries(&app, "subscription_extended", &id).len(), 1);
    assert_eq!(audit_entries(&app, "comp_ended", &id).len(), 1);
    let again = app
        .post_json_auth(
            &format!("/v1/admin/subscriptions/{id}/end-comp"),
            &support.access_token,
            &json!({"reason": "twice"}),
        )
        .await;
    assert_problem(again, StatusCode::CONFLICT, "not_comped").await;
}

async fn comps_are_validated(app: TestApp) {
    let reader = app.new_reader().await;
    let support = app.new_staff(Role::Support).await;
    let path = format!("/v1/admin/readers/{}/comp", reader.id);
    let response = app
        .post_json_auth(
            &path,
            &support.access_token,
            &json!({"tier": "gold", "until": "soon"}),
        )
        .await;
    let problem = assert_problem(
        response,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    let fields: Vec<&str> = problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["until", "reason"]);
    let unknown_tier = app
        .post_json_auth(
            &path,
            &support.access_token,
            &json!({"tier": "gold", "until": "2099-01-01T00:00:00Z", "reason": "x"}),
        )
        .await;
    let problem = assert_problem(
        unknown_tier,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(problem["errors"][0]["code"], "unknown_tier");
    let past = app
        .post_json_auth(
            &path,
            &support.access_token,
            &json!({"tier": "digital", "until": "2001-01-01T00:00:00Z", "reason": "x"}),
        )
        .await;
    assert_problem(past, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    let nobody = app
        .post_json_auth(
            &format!("/v1/admin/readers/{}/comp", uuid::Uuid::now_v7()),
            &support.access_token,
            &json!({"tier": "digital", "until": "2099-01-01T00:00:00Z", "reason": "x"}),
        )
        .await;
    assert_problem(nobody, StatusCode::NOT_FOUND, "reader_not_found").await;
}

async fn support_cancels_at_period_end_or_now(app: TestApp) {
    let support = app.new_staff(Role::Support).await;
    let (later, now) = (app.new_reader().await, app.new_reader().await);
    let at_end = paid_subscription(&app, &later.id, "dev", 10, 1);
    let right_away = paid_subscription(&app, &now.id, "dev", 10, 1);

    let response = app
        .post_json_auth(
            &format!("/v1/admin/subscriptions/{}/cancel", at_end.id),
            &support.access_token,
            &json!({"at": "period_end", "reason": "asked by phone"}),
        )
        .await;
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["state"], "canceling", "{body}");
    assert_eq!(body["cancel_reason"], "asked by phone");
    assert!(
        !granted(&app, &later.access_token).await.is_empty(),
        "access continues"
    );

    let response = app
        .post_json_auth(
            &format!("/v1/admin/subscriptions/{}/cancel", right_away.id),
            &support.access_token,
            &json!({"at": "now", "reason": "fraud suspected"}),
        )
        .await;
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["state"], "expired", "{body}");
    assert!(
        granted(&app, &now.access_token).await.is_empty(),
        "access ends"
    );
    assert_eq!(transitions_to(&app, &right_away.id, "expired"), 1);
    assert_eq!(
        audit_entries(&app, "subscription_canceled_at_period_end", &at_end.id).len(),
        1
    );
    assert_eq!(
        audit_entries(&app, "subscription_canceled_now", &right_away.id).len(),
        1
    );

    let over = app
        .post_json_auth(
            &format!("/v1/admin/subscriptions/{}/cancel", right_away.id),
            &support.access_token,
            &json!({"at": "now", "reason": "again"}),
        )
        .await;
    assert_problem(over, StatusCode::CONFLICT, "invalid_transition").await;
    let bad = app
        .post_json_auth(
            &format!("/v1/admin/subscriptions/{}/cancel", at_end.id),
            &support.access_token,
            &json!({"at": "tomorrow", "reason": "x"}),
        )
        .await;
    assert_problem(bad, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
}

async fn a_paid_subscription_without_a_renewing_provider_can_be_extended(app: TestApp) {
    let support = app.new_staff(Role::Support).await;
    let reader = app.new_reader().await;
    let paid = paid_subscription(&app, &reader.id, "dev", 10, 1);
    let path = format!("/v1/admin/subscriptions/{}/extend", paid.id);
    let response = app
        .post_json_auth(
            &path,
            &support.access_token,
            &json!({"until": "2099-01-01T00:00:00Z", "reason": "late delivery"}),
        )
        .await;
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["current_period_end"], "2099-01-01T00:00:00Z", "{body}");
    let earlier = app
        .post_json_auth(
            &path,
            &support.access_token,
            &json!({"until": "2098-01-01T00:00:00Z", "reason": "oops"}),
        )
        .await;
    assert_problem(
        earlier,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;

    let stripe_reader = app.new_reader().await;
    let billed = paid_subscription(&app, &stripe_reader.id, "stripe", 10, 1);
    let refused = app
        .post_json_auth(
            &format!("/v1/admin/subscriptions/{}/extend", billed.id),
            &support.access_token,
            &json!({"until": "2099-01-01T00:00:00Z", "reason": "x"}),
        )
        .await;
    assert_problem(refused, StatusCode::CONFLICT, "billed_by_provider").await;
}
