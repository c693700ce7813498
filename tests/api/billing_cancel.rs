//! Cancel anytime, resume before the period ends: the subscription moves
//! through the state machine, access continues to the period end, and
//! every move that does not apply is a 409.

use crate::support::billing_fixtures::{post_empty, stored, subscribe};
use crate::support::catalogue_fixtures::publish_sample_catalogue;
use crate::support::fixtures::subscription;
use crate::support::helpers::{TestApp, TestReader, assert_problem};
use chrono::{Duration, Utc};
use masthead::domain::SubscriptionState;
use reqwest::StatusCode;
use serde_json::{Value, json};

on_both_backends!(
    cancel_keeps_access_and_resume_restores_it,
    nothing_to_cancel_or_resume_is_a_conflict,
    resume_after_the_period_ended_is_refused,
    cancel_reasons_are_checked,
);

async fn granted(app: &TestApp, reader: &TestReader) -> bool {
    let access: Value = app
        .get_auth("/v1/articles/deep-dive/access", &reader.access_token)
        .await
        .json()
        .await
        .unwrap();
    access["granted"].as_bool().unwrap()
}

async fn cancel_keeps_access_and_resume_restores_it(app: TestApp) {
    publish_sample_catalogue(&app).await;
    let reader = app.new_reader().await;
    let subscribed = subscribe(&app, &reader, "digital", "month").await;
    assert!(granted(&app, &reader).await);

    let response = app
        .post_json_auth(
            "/v1/me/subscription/cancel",
            &reader.access_token,
            &json!({"reason": "  Too many magazines.  "}),
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let canceling: Value = response.json().await.unwrap();
    assert_eq!(canceling["state"], "canceling");
    assert_eq!(canceling["cancel_at_period_end"], true);
    assert_eq!(
        canceling["current_period_end"],
        subscribed["current_period_end"]
    );
    assert!(
        granted(&app, &reader).await,
        "access continues to the period end"
    );
    let row = &stored(&app, &reader)[0].row;
    assert_eq!(row.cancel_reason.as_deref(), Some("Too many magazines."));
    assert_problem(
        post_empty(&app, "/v1/me/subscription/cancel", &reader).await,
        StatusCode::CONFLICT,
        "already_canceling",
    )
    .await;

    let response = post_empty(&app, "/v1/me/subscription/resume", &reader).await;
    assert_eq!(response.status(), StatusCode::OK);
    let resumed: Value = response.json().await.unwrap();
    assert_eq!(resumed["state"], "active");
    assert_eq!(resumed["cancel_at_period_end"], false);
    assert!(granted(&app, &reader).await);
    let mine: Value = app
        .get_auth("/v1/me/subscription", &reader.access_token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(mine["subscription"]["state"], "active");
    assert_problem(
        post_empty(&app, "/v1/me/subscription/resume", &reader).await,
        StatusCode::CONFLICT,
        "nothing_to_resume",
    )
    .await;

    let stored = stored(&app, &reader);
    assert_eq!(
        stored[0].row.cancel_reason, None,
        "resuming clears the reason"
    );
    let moves: Vec<_> = stored[0].events.iter().map(|(_, to)| to.as_str()).collect();
    assert_eq!(moves, ["incomplete", "active", "canceling", "active"]);

    // Cancelling again after a resume is a new action, and applies.
    let again = post_empty(&app, "/v1/me/subscription/cancel", &reader).await;
    assert_eq!(again.status(), StatusCode::OK);
}

async fn nothing_to_cancel_or_resume_is_a_conflict(app: TestApp) {
    let reader = app.new_reader().await;
    assert_problem(
        post_empty(&app, "/v1/me/subscription/cancel", &reader).await,
        StatusCode::CONFLICT,
        "nothing_to_cancel",
    )
    .await;
    assert_problem(
        app.post_json_auth(
            "/v1/me/subscription/cancel",
            &reader.access_token,
            &json!({}),
        )
        .await,
        StatusCode::CONFLICT,
        "nothing_to_cancel",
    )
    .await;
    assert_problem(
        post_empty(&app, "/v1/me/subscription/resume", &reader).await,
        StatusCode::CONFLICT,
        "nothing_to_resume",
    )
    .await;
    subscribe(&app, &reader, "digital", "month").await;
    assert_problem(
        post_empty(&app, "/v1/me/subscription/resume", &reader).await,
        StatusCode::CONFLICT,
        "nothing_to_resume",
    )
    .await;
    assert_problem(
        app.client
            .post(app.url("/v1/me/subscription/cancel"))
            .send()
            .await
            .unwrap(),
        StatusCode::UNAUTHORIZED,
        "missing_token",
    )
    .await;
}

async fn resume_after_the_period_ended_is_refused(app: TestApp) {
    let reader = app.new_reader().await;
    subscription("digital", SubscriptionState::Canceling)
        .period_end(Utc::now() - Duration::minutes(1))
        .give(&app, &reader.id);
    assert_problem(
        post_empty(&app, "/v1/me/subscription/resume", &reader).await,
        StatusCode::CONFLICT,
        "period_ended",
    )
    .await;
    assert_eq!(stored(&app, &reader)[0].row.state, "canceling");
}

async fn cancel_reasons_are_checked(app: TestApp) {
    let reader = app.new_reader().await;
    subscribe(&app, &reader, "digital", "month").await;
    let (app_ref, token) = (&app, reader.access_token.as_str());
    let cancel = move |body: Value| async move {
        app_ref
            .post_json_auth("/v1/me/subscription/cancel", token, &body)
            .await
    };
    let long = assert_problem(
        cancel(json!({"reason": "x".repeat(1001)})).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(long["errors"][0]["field"], "reason");
    assert_eq!(long["errors"][0]["code"], "too_long");
    assert_problem(
        cancel(json!({"reason": 42})).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    let malformed = app
        .client
        .post(app.url("/v1/me/subscription/cancel"))
        .bearer_auth(&reader.access_token)
        .header("content-type", "application/json")
        .body("{")
        .send()
        .await
        .unwrap();
    assert_problem(malformed, StatusCode::BAD_REQUEST, "malformed_json").await;
    let text = app
        .client
        .post(app.url("/v1/me/subscription/cancel"))
        .bearer_auth(&reader.access_token)
        .header("content-type", "text/plain")
        .body("please")
        .send()
        .await
        .unwrap();
    assert_problem(
        text,
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "unsupported_media_type",
    )
    .await;
    assert_eq!(
        stored(&app, &reader)[0].row.state,
        "active",
        "nothing changed"
    );
    let blank = cancel(json!({"reason": "   "})).await;
    assert_eq!(blank.status(), StatusCode::OK);
    assert_eq!(stored(&app, &reader)[0].row.cancel_reason, None);
}
