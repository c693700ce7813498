//! A reader's email preferences and time zone on `GET`/`PATCH /v1/me`:
//! partial updates, the defaults, and the attacks a free-text zone name
//! invites (paths, header injection, NUL, size, wrong types).

use crate::support::helpers::{TestApp, TestReader, assert_problem};
use reqwest::{Response, StatusCode};
use serde_json::{Value, json};

on_both_backends!(
    product_updates_are_on_and_the_zone_is_utc_by_default,
    product_updates_switch_off_and_on_leaving_other_fields_alone,
    a_time_zone_is_set_by_iana_name_and_cleared_by_null,
    an_unknown_time_zone_is_a_field_error,
    a_zone_name_cannot_smuggle_a_path_header_or_bulk,
    a_nul_byte_in_the_zone_is_refused_before_any_handler,
    wrong_types_are_422_and_change_nothing,
    the_export_holds_the_preferences,
);

async fn patch_me(app: &TestApp, reader: &TestReader, body: &Value) -> Response {
    app.client
        .patch(app.url("/v1/me"))
        .bearer_auth(&reader.access_token)
        .json(body)
        .send()
        .await
        .unwrap()
}

async fn me(app: &TestApp, reader: &TestReader) -> Value {
    app.get_auth("/v1/me", &reader.access_token)
        .await
        .json()
        .await
        .unwrap()
}

async fn product_updates_are_on_and_the_zone_is_utc_by_default(app: TestApp) {
    let reader = app.new_reader().await;
    let me = me(&app, &reader).await;
    assert_eq!(me["email_preferences"], json!({"product_updates": true}));
    assert_eq!(me["time_zone"], Value::Null);
}

async fn product_updates_switch_off_and_on_leaving_other_fields_alone(app: TestApp) {
    let reader = app.new_reader().await;
    patch_me(&app, &reader, &json!({"time_zone": "Asia/Tokyo"})).await;
    let response = patch_me(
        &app,
        &reader,
        &json!({"email_preferences": {"product_updates": false}}),
    )
    .await;
    assert_eq!(response.status(), StatusCode::OK);
    let answered: Value = response.json().await.unwrap();
    assert_eq!(answered["email_preferences"]["product_updates"], false);
    let stored = me(&app, &reader).await;
    assert_eq!(stored["email_preferences"]["product_updates"], false);
    assert_eq!(stored["time_zone"], "Asia/Tokyo", "left alone");
    assert_eq!(stored["name"], "Test Reader", "left alone");
    // An empty preferences object, or a name change, leaves the switch.
    patch_me(
        &app,
        &reader,
        &json!({"email_preferences": {}, "name": "Ada"}),
    )
    .await;
    assert_eq!(
        me(&app, &reader).await["email_preferences"]["product_updates"],
        false
    );
    patch_me(
        &app,
        &reader,
        &json!({"email_preferences": {"product_updates": true}}),
    )
    .await;
    assert_eq!(
        me(&app, &reader).await["email_preferences"]["product_updates"],
        true
    );
}

async fn a_time_zone_is_set_by_iana_name_and_cleared_by_null(app: TestApp) {
    let reader = app.new_reader().await;
    let response = patch_me(&app, &reader, &json!({"time_zone": " Europe/Paris "})).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(me(&app, &reader).await["time_zone"], "Europe/Paris");
    patch_me(&app, &reader, &json!({"name": "Ada"})).await;
    assert_eq!(me(&app, &reader).await["time_zone"], "Europe/Paris");
    patch_me(&app, &reader, &json!({"time_zone": null})).await;
    assert_eq!(me(&app, &reader).await["time_zone"], Value::Null);
}

/// The field errors of a 422 answer.
async fn field_errors(response: Response) -> Vec<(String, String)> {
    let problem = assert_problem(
        response,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["field"].as_str().unwrap().to_owned(),
                e["code"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

async fn an_unknown_time_zone_is_a_field_error(app: TestApp) {
    let reader = app.new_reader().await;
    for zone in ["Mars/Olympus_Mons", "europe/paris", "CET+1", ""] {
        let errors = field_errors(patch_me(&app, &reader, &json!({"time_zone": zone})).await).await;
        assert_eq!(errors.len(), 1, "{zone}: {errors:?}");
        assert_eq!(errors[0].0, "time_zone");
    }
    assert_eq!(me(&app, &reader).await["time_zone"], Value::Null);
}

async fn a_zone_name_cannot_smuggle_a_path_header_or_bulk(app: TestApp) {
    let reader = app.new_reader().await;
    let cases = [
        ("../../etc/localtime", "unknown_time_zone"),
        ("/usr/share/zoneinfo/Europe/Paris", "unknown_time_zone"),
        (
            "Europe/Paris\r\nBcc: everyone@example.com",
            "invalid_characters",
        ),
    ];
    for (zone, code) in cases {
        let errors = field_errors(patch_me(&app, &reader, &json!({"time_zone": zone})).await).await;
        assert_eq!(
            errors,
            [("time_zone".to_owned(), code.to_owned())],
            "{zone:?}"
        );
    }
    let huge = "Europe/".repeat(1500);
    assert!(huge.len() > 10_000);
    let errors = field_errors(patch_me(&app, &reader, &json!({"time_zone": huge})).await).await;
    assert_eq!(errors, [("time_zone".to_owned(), "too_long".to_owned())]);
    assert_eq!(me(&app, &reader).await["time_zone"], Value::Null);
}

/// NUL never reaches a handler: the project-wide guard answers 400
/// `nul_character` for any JSON string holding one (PostgreSQL cannot
/// store it), before the zone is even parsed.
async fn a_nul_byte_in_the_zone_is_refused_before_any_handler(app: TestApp) {
    let reader = app.new_reader().await;
    let response = patch_me(&app, &reader, &json!({"time_zone": "Europe/\u{0}Paris"})).await;
    assert_problem(response, StatusCode::BAD_REQUEST, "nul_character").await;
    assert_eq!(me(&app, &reader).await["time_zone"], Value::Null);
}

async fn wrong_types_are_422_and_change_nothing(app: TestApp) {
    let reader = app.new_reader().await;
    for body in [
        json!({"time_zone": 1}),
        json!({"time_zone": ["Europe/Paris"]}),
        json!({"email_preferences": {"product_updates": "no"}}),
        json!({"email_preferences": {"product_updates": 0}}),
        json!({"email_preferences": false}),
        json!({"email_preferences": {"marketing": true}}),
    ] {
        let response = patch_me(&app, &reader, &body).await;
        assert_eq!(
            response.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "{body}"
        );
    }
    let me = me(&app, &reader).await;
    assert_eq!(me["email_preferences"]["product_updates"], true);
    assert_eq!(me["time_zone"], Value::Null);
}

async fn the_export_holds_the_preferences(app: TestApp) {
    let reader = app.new_reader().await;
    patch_me(
        &app,
        &reader,
        &json!({"time_zone": "America/New_York", "email_preferences": {"product_updates": false}}),
    )
    .await;
    let export: Value = app
        .get_auth("/v1/me/export", &reader.access_token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(export["profile"]["time_zone"], "America/New_York");
    assert_eq!(
        export["profile"]["email_preferences"]["product_updates"],
        false
    );
    assert_eq!(export["profile"]["email"], reader.email.as_str());
}
