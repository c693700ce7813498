//! Shapes of the catalogue, public and editorial, over the sample magazine.

use super::shape;
use crate::admin_catalogue::{article_body, editor, issue_body, send};
use crate::support::catalogue_fixtures::publish_sample_catalogue;
use crate::support::helpers::TestApp;
use masthead::domain::Role;
use reqwest::{Method, StatusCode};
use serde_json::json;

on_both_backends!(
    public_catalogue_shapes,
    editorial_catalogue_shapes,
    editorial_write_shapes
);

async fn public_catalogue_shapes(app: TestApp) {
    publish_sample_catalogue(&app).await;
    for (name, path) in [
        ("articles_list", "/v1/articles"),
        ("issues_list", "/v1/issues"),
        ("issue_detail", "/v1/issues/2"),
        ("article_access_anonymous", "/v1/articles/deep-dive/access"),
    ] {
        let body = shape(app.get(path).await, StatusCode::OK).await;
        insta::assert_json_snapshot!(name, body);
    }
}

async fn editorial_catalogue_shapes(app: TestApp) {
    publish_sample_catalogue(&app).await;
    let editor = app.new_staff(Role::Editor).await;
    for (name, path) in [
        ("admin_issues_list", "/v1/admin/issues"),
        ("admin_issue_detail", "/v1/admin/issues/3"),
        ("admin_articles_list", "/v1/admin/articles"),
        ("admin_article_detail", "/v1/admin/articles/deep-dive"),
    ] {
        let body = shape(
            app.get_auth(path, &editor.access_token).await,
            StatusCode::OK,
        )
        .await;
        insta::assert_json_snapshot!(name, body);
    }
}

async fn editorial_write_shapes(app: TestApp) {
    let token = editor(&app).await;
    let token = Some(token.as_str());
    let steps = [
        (
            "admin_issue_created",
            Method::POST,
            "/v1/admin/issues",
            Some(issue_body(5)),
            StatusCode::CREATED,
        ),
        (
            "admin_issue_patched",
            Method::PATCH,
            "/v1/admin/issues/5",
            Some(json!({"title": "The Spring Issue"})),
            StatusCode::OK,
        ),
        (
            "admin_issue_published",
            Method::POST,
            "/v1/admin/issues/5/publish",
            None,
            StatusCode::OK,
        ),
        (
            "admin_issue_unpublished",
            Method::POST,
            "/v1/admin/issues/5/unpublish",
            None,
            StatusCode::OK,
        ),
        (
            "admin_article_created",
            Method::POST,
            "/v1/admin/articles",
            Some(article_body("the-long-read", Some(5))),
            StatusCode::CREATED,
        ),
        (
            "admin_article_patched",
            Method::PATCH,
            "/v1/admin/articles/the-long-read",
            Some(json!({"title": "Final Title"})),
            StatusCode::OK,
        ),
        (
            "admin_article_published",
            Method::POST,
            "/v1/admin/articles/the-long-read/publish",
            None,
            StatusCode::OK,
        ),
        (
            "admin_article_unpublished",
            Method::POST,
            "/v1/admin/articles/the-long-read/unpublish",
            None,
            StatusCode::OK,
        ),
    ];
    for (name, method, path, body, status) in steps {
        let answer = shape(send(&app, method, path, token, body.as_ref()).await, status).await;
        insta::assert_json_snapshot!(name, answer);
    }
}
