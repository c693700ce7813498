//! Creating, correcting, publishing and unpublishing issues.

use super::{create_issue, editor, issue_body, json_with, send};
use crate::support::helpers::{TestApp, assert_problem};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

on_both_backends!(
    issues_are_created_unpublished,
    issues_are_updated_field_by_field,
    issues_are_published_and_unpublished,
    issue_list_includes_unpublished_issues,
);

async fn issues_are_created_unpublished(app: TestApp) {
    let token = editor(&app).await;
    let response = send(
        &app,
        Method::POST,
        "/v1/admin/issues",
        Some(&token),
        Some(&issue_body(7)),
    )
    .await;
    assert_eq!(response.headers()["location"], "/v1/admin/issues/7");
    let created = json_with(response, StatusCode::CREATED).await;
    assert_eq!(
        created,
        json!({
            "number": 7,
            "volume": 12,
            "year": 2026,
            "title": "Issue 7",
            "cover_image_url": "https://cdn.example/covers/7.jpg",
            "publication_date": "2026-03-01T08:00:00Z",
            "published": false,
            "published_at": null,
            "edition": null,
        })
    );
    let shown = json_with(
        send(&app, Method::GET, "/v1/admin/issues/7", Some(&token), None).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(shown, created);
    assert_problem(
        app.get("/v1/issues/7").await,
        StatusCode::NOT_FOUND,
        "issue_not_found",
    )
    .await;
}

async fn issues_are_updated_field_by_field(app: TestApp) {
    let token = editor(&app).await;
    create_issue(&app, &token, 1).await;
    let patch = json!({"title": "  The Spring Issue ", "cover_image_url": null, "number": 2});
    let updated = json_with(
        send(
            &app,
            Method::PATCH,
            "/v1/admin/issues/1",
            Some(&token),
            Some(&patch),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(updated["number"], 2);
    assert_eq!(updated["title"], "The Spring Issue");
    assert_eq!(updated["cover_image_url"], Value::Null);
    assert_eq!(updated["volume"], 12, "fields left out stay as they are");
    assert_eq!(updated["publication_date"], "2026-03-01T08:00:00Z");
    assert_problem(
        send(&app, Method::GET, "/v1/admin/issues/1", Some(&token), None).await,
        StatusCode::NOT_FOUND,
        "issue_not_found",
    )
    .await;
    let shown = json_with(
        send(&app, Method::GET, "/v1/admin/issues/2", Some(&token), None).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(shown, updated);
    let nothing = json_with(
        send(
            &app,
            Method::PATCH,
            "/v1/admin/issues/2",
            Some(&token),
            Some(&json!({})),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(nothing, updated, "an empty PATCH changes nothing");
}

async fn issues_are_published_and_unpublished(app: TestApp) {
    let token = editor(&app).await;
    create_issue(&app, &token, 3).await;
    let published = json_with(
        send(
            &app,
            Method::POST,
            "/v1/admin/issues/3/publish",
            Some(&token),
            None,
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(published["published"], true);
    let published_at = published["published_at"]
        .as_str()
        .expect("a publication time")
        .to_owned();
    let again = json_with(
        send(
            &app,
            Method::POST,
            "/v1/admin/issues/3/publish",
            Some(&token),
            None,
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        again["published_at"],
        published_at.as_str(),
        "publishing again keeps the first time"
    );
    assert_eq!(
        app.get("/v1/issues/3").await.status(),
        StatusCode::OK,
        "readers see it"
    );

    let unpublished = json_with(
        send(
            &app,
            Method::POST,
            "/v1/admin/issues/3/unpublish",
            Some(&token),
            None,
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(unpublished["published"], false);
    assert_eq!(unpublished["published_at"], Value::Null);
    assert_problem(
        app.get("/v1/issues/3").await,
        StatusCode::NOT_FOUND,
        "issue_not_found",
    )
    .await;
    let still = json_with(
        send(
            &app,
            Method::POST,
            "/v1/admin/issues/3/unpublish",
            Some(&token),
            None,
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(still["published"], false);
}

async fn issue_list_includes_unpublished_issues(app: TestApp) {
    let token = editor(&app).await;
    for number in [1, 2, 3] {
        create_issue(&app, &token, number).await;
    }
    send(
        &app,
        Method::POST,
        "/v1/admin/issues/2/publish",
        Some(&token),
        None,
    )
    .await;
    let list = json_with(
        send(&app, Method::GET, "/v1/admin/issues", Some(&token), None).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(list["total"], 3);
    let numbers: Vec<_> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["number"].as_i64().unwrap(),
                i["published"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(numbers, [(3, false), (2, true), (1, false)]);
    let page = json_with(
        send(
            &app,
            Method::GET,
            "/v1/admin/issues?page=2&per_page=2",
            Some(&token),
            None,
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(page["items"].as_array().unwrap().len(), 1);
    assert_eq!(page["items"][0]["number"], 1);
    assert_problem(
        send(
            &app,
            Method::GET,
            "/v1/admin/issues?per_page=0",
            Some(&token),
            None,
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
}
