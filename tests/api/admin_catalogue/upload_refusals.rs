//! Uploads the catalogue refuses: wrong or undeclared types (415),
//! missing parts or durations (422), unknown targets (404). None leaves a
//! file behind.

use super::{
    Part, create_article, create_issue, editor, json_with, media_files, pdf_part, sample_mp3,
    sample_pdf, send, upload,
};
use crate::support::helpers::{TestApp, assert_problem};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

on_both_backends!(
    wrong_types_are_415_and_leave_no_file,
    missing_parts_are_422_and_leave_no_file,
    uploads_to_unknown_targets_are_404,
);

async fn wrong_types_are_415_and_leave_no_file(app: TestApp) {
    let token = editor(&app).await;
    create_issue(&app, &token, 1).await;
    create_article(&app, &token, "listen", None).await;
    let text = b"Just some text pretending to be a PDF.".to_vec();
    let (pdf, mp3) = (sample_pdf(), sample_mp3(16));
    let duration = Part::Text("duration_seconds", "60");
    let cases: Vec<(&str, Vec<Part<'_>>)> = vec![
        (
            "/v1/admin/issues/1/edition",
            vec![Part::File(Some("application/pdf"), &text)],
        ),
        (
            "/v1/admin/issues/1/edition",
            vec![Part::File(Some("audio/mpeg"), &mp3)],
        ),
        (
            "/v1/admin/issues/1/edition",
            vec![Part::File(Some("text/plain"), &pdf)],
        ),
        ("/v1/admin/issues/1/edition", vec![Part::File(None, &pdf)]),
        (
            "/v1/admin/articles/listen/audio",
            vec![
                Part::Text("duration_seconds", "60"),
                Part::File(Some("audio/mpeg"), &pdf),
            ],
        ),
        (
            "/v1/admin/articles/listen/audio",
            vec![
                Part::Text("duration_seconds", "60"),
                Part::File(Some("audio/ogg"), &mp3),
            ],
        ),
        (
            "/v1/admin/articles/listen/audio",
            vec![duration, Part::File(Some("application/pdf"), &pdf)],
        ),
    ];
    for (path, parts) in cases {
        assert_problem(
            upload(&app, path, Some(&token), &parts).await,
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
        )
        .await;
    }
    let not_multipart = send(
        &app,
        Method::PUT,
        "/v1/admin/issues/1/edition",
        Some(&token),
        Some(&json!({"file": "x"})),
    )
    .await;
    assert_problem(
        not_multipart,
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "unsupported_media_type",
    )
    .await;
    assert_eq!(
        media_files(&app),
        Vec::<std::path::PathBuf>::new(),
        "no file is left, tmp/ included"
    );
    let issue = json_with(
        send(&app, Method::GET, "/v1/admin/issues/1", Some(&token), None).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(issue["edition"], Value::Null);
}

async fn missing_parts_are_422_and_leave_no_file(app: TestApp) {
    let token = editor(&app).await;
    create_issue(&app, &token, 1).await;
    create_article(&app, &token, "listen", None).await;
    let mp3 = sample_mp3(16);
    let no_file = assert_problem(
        upload(
            &app,
            "/v1/admin/issues/1/edition",
            Some(&token),
            &[Part::Text("note", "where is it")],
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(no_file["errors"][0]["field"], "file");
    for (path, parts) in [
        (
            "/v1/admin/articles/listen/audio",
            vec![Part::File(Some("audio/mpeg"), &mp3[..])],
        ),
        (
            "/v1/admin/articles/listen/audio",
            vec![
                Part::Text("duration_seconds", "soon"),
                Part::File(Some("audio/mpeg"), &mp3),
            ],
        ),
        (
            "/v1/admin/articles/listen/audio",
            vec![
                Part::File(Some("audio/mpeg"), &mp3),
                Part::Text("duration_seconds", "0"),
            ],
        ),
        (
            "/v1/admin/articles/listen/audio?duration_seconds=-5",
            vec![Part::File(Some("audio/mpeg"), &mp3)],
        ),
    ] {
        let problem = assert_problem(
            upload(&app, path, Some(&token), &parts).await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        )
        .await;
        assert_eq!(
            problem["errors"][0]["field"], "duration_seconds",
            "{path}: {problem}"
        );
    }
    assert_eq!(
        media_files(&app),
        Vec::<std::path::PathBuf>::new(),
        "no file is left, tmp/ included"
    );
    let article = json_with(
        send(
            &app,
            Method::GET,
            "/v1/admin/articles/listen",
            Some(&token),
            None,
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(article["audio"], Value::Null);
}

async fn uploads_to_unknown_targets_are_404(app: TestApp) {
    let token = editor(&app).await;
    let pdf = sample_pdf();
    assert_problem(
        upload(
            &app,
            "/v1/admin/issues/9/edition",
            Some(&token),
            &[pdf_part(&pdf)],
        )
        .await,
        StatusCode::NOT_FOUND,
        "issue_not_found",
    )
    .await;
    let mp3 = sample_mp3(4);
    assert_problem(
        upload(
            &app,
            "/v1/admin/articles/nobody/audio",
            Some(&token),
            &[
                Part::Text("duration_seconds", "5"),
                Part::File(Some("audio/mpeg"), &mp3),
            ],
        )
        .await,
        StatusCode::NOT_FOUND,
        "article_not_found",
    )
    .await;
    assert_eq!(media_files(&app), Vec::<std::path::PathBuf>::new());
}
