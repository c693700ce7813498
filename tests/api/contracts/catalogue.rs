//! Shapes of the catalogue, public and editorial, over the sample magazine:
//! reading it, editing it, uploading its files and the signed URLs that
//! stream them.

use super::shape;
use crate::admin_catalogue::{
    Part, article_body, create_article, create_issue, editor, issue_body, pdf_part, sample_mp3,
    sample_pdf, send, upload,
};
use crate::support::catalogue_fixtures::publish_sample_catalogue;
use crate::support::fixtures::subscription;
use crate::support::helpers::TestApp;
use chrono::{Duration, Utc};
use masthead::domain::{Role, SubscriptionState};
use reqwest::{Method, StatusCode};
use serde_json::json;

on_both_backends!(
    public_catalogue_shapes,
    editorial_catalogue_shapes,
    editorial_write_shapes,
    upload_shapes,
    signed_media_url_shapes
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

async fn upload_shapes(app: TestApp) {
    let token = editor(&app).await;
    create_issue(&app, &token, 5).await;
    create_article(&app, &token, "listen", Some(5)).await;
    let pdf = sample_pdf();
    let issue = shape(
        upload(
            &app,
            "/v1/admin/issues/5/edition",
            Some(&token),
            &[pdf_part(&pdf)],
        )
        .await,
        StatusCode::OK,
    )
    .await;
    insta::assert_json_snapshot!("admin_issue_edition_uploaded", issue);
    let mp3 = sample_mp3(40);
    let article = shape(
        upload(
            &app,
            "/v1/admin/articles/listen/audio",
            Some(&token),
            &[
                Part::Text("duration_seconds", "754"),
                Part::File(Some("audio/mpeg"), &mp3),
            ],
        )
        .await,
        StatusCode::OK,
    )
    .await;
    insta::assert_json_snapshot!("admin_article_audio_uploaded", article);
}

async fn signed_media_url_shapes(app: TestApp) {
    publish_sample_catalogue(&app).await;
    let reader = app.new_reader().await;
    subscription("digital", SubscriptionState::Active)
        .period_end(Utc::now() + Duration::days(30))
        .give(&app, &reader.id);
    for (name, path) in [
        ("article_audio_url", "/v1/articles/deep-dive/audio"),
        ("issue_edition_url", "/v1/issues/2/edition"),
    ] {
        let mut signed = shape(
            app.get_auth(path, &reader.access_token).await,
            StatusCode::OK,
        )
        .await;
        // The signed token is made per request; where it sits is the contract.
        let url = signed["url"].as_str().expect("a URL");
        let (base, token) = url.rsplit_once('/').expect("a path");
        assert!(base.ends_with("/v1/media") && !token.is_empty(), "{url}");
        signed["url"] = format!("{base}/[token]").into();
        insta::assert_json_snapshot!(name, signed);
    }
}
