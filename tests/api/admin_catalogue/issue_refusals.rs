//! Issue requests the catalogue refuses: invalid fields (all listed),
//! taken numbers, unknown issues.

use super::{create_issue, editor, invalid_fields, issue_body, json_with, send};
use crate::support::helpers::{TestApp, assert_problem};
use reqwest::{Method, StatusCode};
use serde_json::json;

on_both_backends!(
    issue_validation_lists_every_field,
    issue_update_validation_lists_every_field_and_changes_nothing,
    duplicate_issue_numbers_conflict,
    unknown_issues_are_404,
);

async fn issue_validation_lists_every_field(app: TestApp) {
    let token = editor(&app).await;
    let empty = assert_problem(
        send(
            &app,
            Method::POST,
            "/v1/admin/issues",
            Some(&token),
            Some(&json!({})),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(
        invalid_fields(&empty),
        ["number", "publication_date", "title", "volume", "year"]
    );
    assert!(
        empty["errors"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["code"] == "required")
    );

    let bad = json!({
        "number": 0,
        "volume": "twelve",
        "year": 30000,
        "title": "  ",
        "cover_image_url": "cover.jpg",
        "publication_date": "yesterday",
    });
    let problem = assert_problem(
        send(
            &app,
            Method::POST,
            "/v1/admin/issues",
            Some(&token),
            Some(&bad),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    let codes: Vec<(String, String)> = problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["field"].as_str().unwrap().to_owned(),
                e["code"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        codes,
        [
            ("number".to_owned(), "out_of_range".to_owned()),
            ("volume".to_owned(), "invalid_type".to_owned()),
            ("year".to_owned(), "out_of_range".to_owned()),
            ("title".to_owned(), "required".to_owned()),
            ("cover_image_url".to_owned(), "invalid_url".to_owned()),
            ("publication_date".to_owned(), "invalid_format".to_owned()),
        ]
    );
    let list = json_with(
        send(&app, Method::GET, "/v1/admin/issues", Some(&token), None).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(list["total"], 0, "nothing was created");
}

async fn issue_update_validation_lists_every_field_and_changes_nothing(app: TestApp) {
    let token = editor(&app).await;
    let created = create_issue(&app, &token, 4).await;
    let bad =
        json!({"number": null, "title": "", "year": "2026", "publication_date": 5, "volume": 7});
    let problem = assert_problem(
        send(
            &app,
            Method::PATCH,
            "/v1/admin/issues/4",
            Some(&token),
            Some(&bad),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(
        invalid_fields(&problem),
        ["number", "publication_date", "title", "year"]
    );
    let shown = json_with(
        send(&app, Method::GET, "/v1/admin/issues/4", Some(&token), None).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(shown, created, "the valid volume was not applied either");
    let malformed = app
        .client
        .patch(app.url("/v1/admin/issues/4"))
        .bearer_auth(&token)
        .header("content-type", "application/json")
        .body("{\"title\": ")
        .send()
        .await
        .unwrap();
    assert_problem(malformed, StatusCode::BAD_REQUEST, "malformed_json").await;
}

async fn duplicate_issue_numbers_conflict(app: TestApp) {
    let token = editor(&app).await;
    create_issue(&app, &token, 1).await;
    create_issue(&app, &token, 2).await;
    assert_problem(
        send(
            &app,
            Method::POST,
            "/v1/admin/issues",
            Some(&token),
            Some(&issue_body(1)),
        )
        .await,
        StatusCode::CONFLICT,
        "issue_number_taken",
    )
    .await;
    assert_problem(
        send(
            &app,
            Method::PATCH,
            "/v1/admin/issues/2",
            Some(&token),
            Some(&json!({"number": 1})),
        )
        .await,
        StatusCode::CONFLICT,
        "issue_number_taken",
    )
    .await;
    let two = json_with(
        send(&app, Method::GET, "/v1/admin/issues/2", Some(&token), None).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        two["title"], "Issue 2",
        "the refused change left the issue alone"
    );
}

async fn unknown_issues_are_404(app: TestApp) {
    let token = editor(&app).await;
    for (method, path) in [
        (Method::GET, "/v1/admin/issues/99"),
        (Method::PATCH, "/v1/admin/issues/99"),
        (Method::POST, "/v1/admin/issues/99/publish"),
        (Method::POST, "/v1/admin/issues/99/unpublish"),
    ] {
        let body = (method == Method::PATCH).then(|| json!({"title": "X"}));
        assert_problem(
            send(&app, method, path, Some(&token), body.as_ref()).await,
            StatusCode::NOT_FOUND,
            "issue_not_found",
        )
        .await;
    }
    assert_problem(
        send(
            &app,
            Method::GET,
            "/v1/admin/issues/not-a-number",
            Some(&token),
            None,
        )
        .await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
}
