use crate::support::fixtures::subscription;
use crate::support::helpers::{TestApp, assert_problem};
use masthead::domain::{Role, SubscriptionState};
use reqwest::StatusCode;
use serde_json::{Value, json};

on_both_backends!(
    me_shows_the_profile,
    me_needs_a_token,
    patch_changes_name_and_address,
    patch_null_removes_the_address,
    patch_lists_every_bad_field_and_changes_nothing,
    staff_accounts_show_their_role,
    me_summarises_entitlements,
);

async fn me_shows_the_profile(app: TestApp) {
    let reader = app.new_reader().await;
    let response = app.get_auth("/v1/me", &reader.access_token).await;
    assert_eq!(response.status(), StatusCode::OK);
    let body: Value = response.json().await.unwrap();
    insta::assert_json_snapshot!("me_response", body, {
        ".id" => "[id]",
        ".email" => "[email]",
        ".created_at" => "[timestamp]",
    });
}

async fn me_needs_a_token(app: TestApp) {
    assert_problem(
        app.get("/v1/me").await,
        StatusCode::UNAUTHORIZED,
        "missing_token",
    )
    .await;
    let basic = app
        .client
        .get(app.url("/v1/me"))
        .basic_auth("a", Some("b"))
        .send()
        .await
        .unwrap();
    assert_problem(basic, StatusCode::UNAUTHORIZED, "invalid_token").await;
}

fn address() -> Value {
    json!({"line1": "1 Fleet Street", "city": "London", "postal_code": "EC4Y 1AA", "country": "gb"})
}

async fn patch_changes_name_and_address(app: TestApp) {
    let reader = app.new_reader().await;
    let response = app
        .client
        .patch(app.url("/v1/me"))
        .bearer_auth(&reader.access_token)
        .json(&json!({"name": " Ada King ", "shipping_address": address()}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let me: Value = app
        .get_auth("/v1/me", &reader.access_token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(me["name"], "Ada King");
    assert_eq!(me["shipping_address"]["country"], "GB");
    assert_eq!(me["shipping_address"]["line2"], Value::Null);
}

async fn patch_null_removes_the_address(app: TestApp) {
    let reader = app.new_reader().await;
    let patch = |body: Value| {
        app.client
            .patch(app.url("/v1/me"))
            .bearer_auth(&reader.access_token)
            .json(&body)
            .send()
    };
    patch(json!({"shipping_address": address()})).await.unwrap();
    // Changing only the name leaves the address alone.
    let kept: Value = patch(json!({"name": "Ada"}))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(kept["shipping_address"]["city"], "London");
    let cleared: Value = patch(json!({"shipping_address": null}))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(cleared["shipping_address"], Value::Null);
}

async fn patch_lists_every_bad_field_and_changes_nothing(app: TestApp) {
    let reader = app.new_reader().await;
    let response = app
        .client
        .patch(app.url("/v1/me"))
        .bearer_auth(&reader.access_token)
        .json(&json!({"name": "", "shipping_address": {"line1": "", "city": "London", "postal_code": "1", "country": "Britain"}}))
        .send()
        .await
        .unwrap();
    let body = assert_problem(
        response,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    let fields: Vec<&str> = body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(
        fields,
        ["name", "shipping_address.line1", "shipping_address.country"]
    );
    let me: Value = app
        .get_auth("/v1/me", &reader.access_token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(me["name"], "Test Reader");
}

async fn staff_accounts_show_their_role(app: TestApp) {
    let editor = app.new_staff(Role::Editor).await;
    let me: Value = app
        .get_auth("/v1/me", &editor.access_token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(me["role"], "editor");
}

async fn me_summarises_entitlements(app: TestApp) {
    let reader = app.new_reader().await;
    let in_a_month = Some(chrono::Utc::now() + chrono::Duration::days(30));
    subscription("print", SubscriptionState::Active)
        .period_end(in_a_month)
        .give(&app, &reader.id);
    let me: Value = app
        .get_auth("/v1/me", &reader.access_token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        me["entitlements"]["granted"],
        json!([
            "digital_edition",
            "audio",
            "exclusive_content",
            "archive",
            "print_edition"
        ])
    );
    assert_eq!(me["entitlements"]["announced"], json!(["ad_free"]));
}
