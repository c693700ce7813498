//! Upload size limits: a file one byte past the limit is refused with 413
//! the moment it passes it, and leaves nothing in the media folder.

use super::{
    Part, create_article, create_issue, editor, json_with, media_files, pdf_part, sample_mp3,
    sample_pdf, send, upload,
};
use crate::support::helpers::{Backend, TestApp, assert_problem, spawn_app_with};
use reqwest::{Method, StatusCode};
use serde_json::Value;

/// Limit for both kinds in these tests' apps.
const SMALL_LIMIT: u64 = 1024;

on_both_backends!(with = small_limits_app;
    oversize_uploads_are_413_and_leave_no_file,
    uploads_at_the_limit_are_accepted
);

async fn small_limits_app(backend: Backend) -> TestApp {
    spawn_app_with(backend, |settings| {
        settings.max_audio_bytes = SMALL_LIMIT;
        settings.max_edition_bytes = SMALL_LIMIT;
    })
    .await
}

async fn oversize_uploads_are_413_and_leave_no_file(app: TestApp) {
    let token = editor(&app).await;
    create_issue(&app, &token, 1).await;
    create_article(&app, &token, "listen", None).await;
    let mut big_pdf = sample_pdf();
    big_pdf.resize(4 * 1024, b' ');
    let problem = assert_problem(
        upload(
            &app,
            "/v1/admin/issues/1/edition",
            Some(&token),
            &[pdf_part(&big_pdf)],
        )
        .await,
        StatusCode::PAYLOAD_TOO_LARGE,
        "payload_too_large",
    )
    .await;
    assert!(
        problem["detail"].as_str().unwrap().contains("1024"),
        "{problem}"
    );
    let big_mp3 = sample_mp3(200);
    assert!(big_mp3.len() as u64 > SMALL_LIMIT);
    assert_problem(
        upload(
            &app,
            "/v1/admin/articles/listen/audio",
            Some(&token),
            &[
                Part::Text("duration_seconds", "60"),
                Part::File(Some("audio/mpeg"), &big_mp3),
            ],
        )
        .await,
        StatusCode::PAYLOAD_TOO_LARGE,
        "payload_too_large",
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

async fn uploads_at_the_limit_are_accepted(app: TestApp) {
    let token = editor(&app).await;
    create_issue(&app, &token, 1).await;
    let mut pdf = sample_pdf();
    pdf.resize(usize::try_from(SMALL_LIMIT).unwrap(), b' ');
    let issue = json_with(
        upload(
            &app,
            "/v1/admin/issues/1/edition",
            Some(&token),
            &[pdf_part(&pdf)],
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(issue["edition"]["size_bytes"], SMALL_LIMIT);
    pdf.push(b' ');
    assert_problem(
        upload(
            &app,
            "/v1/admin/issues/1/edition",
            Some(&token),
            &[pdf_part(&pdf)],
        )
        .await,
        StatusCode::PAYLOAD_TOO_LARGE,
        "payload_too_large",
    )
    .await;
    assert_eq!(
        media_files(&app).len(),
        1,
        "only the accepted edition remains"
    );
}
