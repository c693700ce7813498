//! Creating, revising, publishing and unpublishing articles.

use super::{article_body, create_article, create_issue, editor, json_with, send};
use crate::support::helpers::{TestApp, assert_problem};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

on_both_backends!(
    articles_are_created_unpublished,
    articles_are_updated_field_by_field,
    articles_are_published_and_unpublished,
    article_list_includes_drafts_and_filters_by_issue,
    long_reads_fit,
);

async fn articles_are_created_unpublished(app: TestApp) {
    let token = editor(&app).await;
    create_issue(&app, &token, 5).await;
    let response = send(
        &app,
        Method::POST,
        "/v1/admin/articles",
        Some(&token),
        Some(&article_body("the-long-read", Some(5))),
    )
    .await;
    assert_eq!(
        response.headers()["location"],
        "/v1/admin/articles/the-long-read"
    );
    let created = json_with(response, StatusCode::CREATED).await;
    assert_eq!(
        created,
        json!({
            "slug": "the-long-read",
            "title": "The Long Read",
            "dek": "Why it matters.",
            "author": "A. Writer",
            "body": "First paragraph.\n\nSecond paragraph.\n\nThird paragraph.",
            "issue_number": 5,
            "visibility": "subscribers",
            "paywall_cut": 1,
            "meter": "metered",
            "publication_date": "2026-03-05T10:00:00Z",
            "published": false,
            "published_at": null,
            "audio": null,
            "audio_source": null,
        })
    );
    let shown = json_with(
        send(
            &app,
            Method::GET,
            "/v1/admin/articles/the-long-read",
            Some(&token),
            None,
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(shown, created);
    let standalone = create_article(&app, &token, "standalone", None).await;
    assert_eq!(standalone["issue_number"], Value::Null);
    assert_problem(
        app.get("/v1/articles/the-long-read").await,
        StatusCode::NOT_FOUND,
        "article_not_found",
    )
    .await;
}

async fn articles_are_updated_field_by_field(app: TestApp) {
    let token = editor(&app).await;
    create_issue(&app, &token, 1).await;
    create_issue(&app, &token, 2).await;
    create_article(&app, &token, "draft", Some(1)).await;
    let patch = json!({"slug": "final-title", "title": "Final Title", "issue_number": 2, "paywall_cut": null, "visibility": "registered"});
    let updated = json_with(
        send(
            &app,
            Method::PATCH,
            "/v1/admin/articles/draft",
            Some(&token),
            Some(&patch),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(updated["slug"], "final-title");
    assert_eq!(updated["title"], "Final Title");
    assert_eq!(updated["issue_number"], 2);
    assert_eq!(updated["paywall_cut"], Value::Null);
    assert_eq!(updated["visibility"], "registered");
    assert_eq!(
        updated["dek"], "Why it matters.",
        "fields left out stay as they are"
    );
    assert_problem(
        send(
            &app,
            Method::GET,
            "/v1/admin/articles/draft",
            Some(&token),
            None,
        )
        .await,
        StatusCode::NOT_FOUND,
        "article_not_found",
    )
    .await;

    let detached = json_with(
        send(
            &app,
            Method::PATCH,
            "/v1/admin/articles/final-title",
            Some(&token),
            Some(&json!({"issue_number": null, "slug": "final-title"})),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(detached["issue_number"], Value::Null);
    let shown = json_with(
        send(
            &app,
            Method::GET,
            "/v1/admin/articles/final-title",
            Some(&token),
            None,
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(shown, detached);
}

async fn articles_are_published_and_unpublished(app: TestApp) {
    let token = editor(&app).await;
    create_article(&app, &token, "free-piece", None).await;
    send(
        &app,
        Method::PATCH,
        "/v1/admin/articles/free-piece",
        Some(&token),
        Some(&json!({"visibility": "public"})),
    )
    .await;
    let published = json_with(
        send(
            &app,
            Method::POST,
            "/v1/admin/articles/free-piece/publish",
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
            "/v1/admin/articles/free-piece/publish",
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
        app.get("/v1/articles/free-piece").await.status(),
        StatusCode::OK,
        "readers see it"
    );

    let unpublished = json_with(
        send(
            &app,
            Method::POST,
            "/v1/admin/articles/free-piece/unpublish",
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
        app.get("/v1/articles/free-piece").await,
        StatusCode::NOT_FOUND,
        "article_not_found",
    )
    .await;
}

async fn article_list_includes_drafts_and_filters_by_issue(app: TestApp) {
    let token = editor(&app).await;
    create_issue(&app, &token, 1).await;
    create_issue(&app, &token, 2).await;
    for (slug, issue) in [
        ("one-a", Some(1)),
        ("one-b", Some(1)),
        ("two-a", Some(2)),
        ("loose", None),
    ] {
        create_article(&app, &token, slug, issue).await;
    }
    send(
        &app,
        Method::POST,
        "/v1/admin/articles/one-a/publish",
        Some(&token),
        None,
    )
    .await;
    let all = json_with(
        send(&app, Method::GET, "/v1/admin/articles", Some(&token), None).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(all["total"], 4);
    let slugs = |list: &Value| -> Vec<String> {
        list["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["slug"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(
        slugs(&all),
        ["loose", "one-a", "one-b", "two-a"],
        "same date: by slug"
    );
    let one = json_with(
        send(
            &app,
            Method::GET,
            "/v1/admin/articles?issue=1",
            Some(&token),
            None,
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(one["total"], 2);
    assert_eq!(slugs(&one), ["one-a", "one-b"]);
    assert_eq!(one["items"][0]["published"], true);
    assert_eq!(one["items"][1]["published"], false);
    let page = json_with(
        send(
            &app,
            Method::GET,
            "/v1/admin/articles?page=2&per_page=3",
            Some(&token),
            None,
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(slugs(&page), ["two-a"]);
}

async fn long_reads_fit(app: TestApp) {
    let token = editor(&app).await;
    let paragraph = "A sentence of a long read, written with care and at length. ".repeat(20);
    let body = vec![paragraph.trim(); 150].join("\n\n");
    assert!(
        body.len() > 150_000,
        "well past the 64 KiB other endpoints accept"
    );
    let mut request = article_body("the-longest-read", None);
    request["body"] = json!(body);
    let created = json_with(
        send(
            &app,
            Method::POST,
            "/v1/admin/articles",
            Some(&token),
            Some(&request),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(created["body"].as_str().unwrap().len(), body.len());
}
