//! Article requests the catalogue refuses: invalid fields (all listed),
//! unknown issues, taken slugs, unknown articles.

use super::{article_body, create_article, editor, invalid_fields, json_with, send};
use crate::support::helpers::{TestApp, assert_problem};
use reqwest::{Method, StatusCode};
use serde_json::json;

on_both_backends!(
    article_validation_lists_every_field,
    article_update_validation_lists_every_field,
    unknown_issue_numbers_are_field_errors,
    duplicate_slugs_conflict,
    unknown_articles_are_404,
);

async fn article_validation_lists_every_field(app: TestApp) {
    let token = editor(&app).await;
    let empty = assert_problem(
        send(
            &app,
            Method::POST,
            "/v1/admin/articles",
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
        [
            "author",
            "body",
            "dek",
            "publication_date",
            "slug",
            "title",
            "visibility"
        ]
    );

    let bad = json!({
        "slug": "Not A Slug",
        "title": "Two\nlines",
        "dek": "x".repeat(501),
        "author": 42,
        "body": "",
        "issue_number": -3,
        "visibility": "everyone",
        "paywall_cut": 0,
        "publication_date": "2026-02-30T00:00:00Z",
    });
    let problem = assert_problem(
        send(
            &app,
            Method::POST,
            "/v1/admin/articles",
            Some(&token),
            Some(&bad),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    let codes: Vec<String> = problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            format!(
                "{} {}",
                e["field"].as_str().unwrap(),
                e["code"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(
        codes,
        [
            "slug invalid_characters",
            "title invalid_characters",
            "dek too_long",
            "author invalid_type",
            "body required",
            "issue_number out_of_range",
            "visibility invalid_choice",
            "paywall_cut out_of_range",
            "publication_date invalid_format",
        ]
    );
    let list = json_with(
        send(&app, Method::GET, "/v1/admin/articles", Some(&token), None).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(list["total"], 0, "nothing was created");
}

async fn article_update_validation_lists_every_field(app: TestApp) {
    let token = editor(&app).await;
    let created = create_article(&app, &token, "steady", None).await;
    let bad = json!({"slug": "-x", "title": null, "body": "  ", "paywall_cut": 1001, "visibility": null, "dek": "Fine."});
    let problem = assert_problem(
        send(
            &app,
            Method::PATCH,
            "/v1/admin/articles/steady",
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
        ["body", "paywall_cut", "slug", "title", "visibility"]
    );
    let shown = json_with(
        send(
            &app,
            Method::GET,
            "/v1/admin/articles/steady",
            Some(&token),
            None,
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(shown, created, "the valid dek was not applied either");
}

async fn unknown_issue_numbers_are_field_errors(app: TestApp) {
    let token = editor(&app).await;
    let problem = assert_problem(
        send(
            &app,
            Method::POST,
            "/v1/admin/articles",
            Some(&token),
            Some(&article_body("orphan", Some(42))),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(
        problem["errors"],
        json!([{"field": "issue_number", "code": "unknown_issue", "message": "no issue has this number"}])
    );
    create_article(&app, &token, "orphan", None).await;
    let problem = assert_problem(
        send(
            &app,
            Method::PATCH,
            "/v1/admin/articles/orphan",
            Some(&token),
            Some(&json!({"issue_number": 42, "title": "Changed"})),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(invalid_fields(&problem), ["issue_number"]);
    let shown = json_with(
        send(
            &app,
            Method::GET,
            "/v1/admin/articles/orphan",
            Some(&token),
            None,
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        shown["title"], "The Long Read",
        "the refused change left the article alone"
    );
}

async fn duplicate_slugs_conflict(app: TestApp) {
    let token = editor(&app).await;
    create_article(&app, &token, "taken", None).await;
    create_article(&app, &token, "other", None).await;
    assert_problem(
        send(
            &app,
            Method::POST,
            "/v1/admin/articles",
            Some(&token),
            Some(&article_body("taken", None)),
        )
        .await,
        StatusCode::CONFLICT,
        "slug_taken",
    )
    .await;
    assert_problem(
        send(
            &app,
            Method::PATCH,
            "/v1/admin/articles/other",
            Some(&token),
            Some(&json!({"slug": "taken"})),
        )
        .await,
        StatusCode::CONFLICT,
        "slug_taken",
    )
    .await;
    json_with(
        send(
            &app,
            Method::GET,
            "/v1/admin/articles/other",
            Some(&token),
            None,
        )
        .await,
        StatusCode::OK,
    )
    .await;
}

async fn unknown_articles_are_404(app: TestApp) {
    let token = editor(&app).await;
    for slug in ["missing", "Not%20A%20Slug", "UPPER"] {
        for (method, path) in [
            (Method::GET, format!("/v1/admin/articles/{slug}")),
            (Method::PATCH, format!("/v1/admin/articles/{slug}")),
            (Method::POST, format!("/v1/admin/articles/{slug}/publish")),
            (Method::POST, format!("/v1/admin/articles/{slug}/unpublish")),
        ] {
            let body = (method == Method::PATCH).then(|| json!({"title": "X"}));
            assert_problem(
                send(&app, method, &path, Some(&token), body.as_ref()).await,
                StatusCode::NOT_FOUND,
                "article_not_found",
            )
            .await;
        }
    }
}
