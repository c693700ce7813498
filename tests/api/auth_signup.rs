use crate::support::helpers::{TestApp, assert_problem};
use reqwest::StatusCode;
use serde_json::{Value, json};

on_both_backends!(
    signup_returns_a_reader_and_tokens,
    signup_normalises_the_email,
    duplicate_email_is_409,
    every_invalid_field_is_listed,
    signed_up_reader_can_log_in,
);

async fn signup_returns_a_reader_and_tokens(app: TestApp) {
    let response = app
        .signup("ada@example.com", "correct horse battery", "Ada Lovelace")
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let body: Value = response.json().await.unwrap();
    insta::assert_json_snapshot!("signup_response", body, {
        ".reader.id" => "[id]",
        ".reader.created_at" => "[timestamp]",
        ".access_token" => "[jwt]",
        ".refresh_token" => "[refresh_token]",
    });
    assert_eq!(body["refresh_token"].as_str().unwrap().len(), 43);
}

async fn signup_normalises_the_email(app: TestApp) {
    let response = app
        .signup("  Grace@Example.ORG ", "correct horse battery", "Grace")
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["reader"]["email"], "grace@example.org");
}

async fn duplicate_email_is_409(app: TestApp) {
    app.new_reader().await;
    let first = app
        .signup("dup@example.com", "correct horse battery", "One")
        .await;
    assert_eq!(first.status(), StatusCode::CREATED);
    let again = app
        .signup("dup@EXAMPLE.com", "another password", "Two")
        .await;
    assert_problem(again, StatusCode::CONFLICT, "email_taken").await;
    // The first account is untouched.
    assert_eq!(
        app.login("dup@example.com", "correct horse battery")
            .await
            .status(),
        StatusCode::OK
    );
}

async fn every_invalid_field_is_listed(app: TestApp) {
    let response = app
        .post_json(
            "/v1/auth/signup",
            &json!({"email": "not-an-email", "password": "short", "name": ""}),
        )
        .await;
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
    assert_eq!(fields, ["email", "password", "name"]);

    let too_long = app
        .signup("long@example.com", &"p".repeat(129), "Long")
        .await;
    let body = assert_problem(
        too_long,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(body["errors"][0]["code"], "too_long");
}

async fn signed_up_reader_can_log_in(app: TestApp) {
    let reader = app.new_reader().await;
    let response = app.login(&reader.email, &reader.password).await;
    assert_eq!(response.status(), StatusCode::OK);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["reader"]["id"], reader.id.as_str());
}
