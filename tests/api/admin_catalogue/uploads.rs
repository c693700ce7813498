//! Edition and audio uploads that succeed: streamed into the media
//! folder, recorded, and replacing (and removing) an earlier file.

use super::{
    Part, create_article, create_issue, editor, json_with, media_files, pdf_part, sample_mp3,
    sample_pdf, sample_wav, send, upload,
};
use crate::support::helpers::TestApp;
use reqwest::{Method, StatusCode};
use serde_json::json;

on_both_backends!(
    editions_are_stored_and_replaced,
    audio_is_stored_with_its_duration,
);

async fn editions_are_stored_and_replaced(app: TestApp) {
    let token = editor(&app).await;
    create_issue(&app, &token, 1).await;
    let first = sample_pdf();
    let issue = json_with(
        upload(
            &app,
            "/v1/admin/issues/1/edition",
            Some(&token),
            &[pdf_part(&first)],
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        issue["edition"],
        json!({"content_type": "application/pdf", "size_bytes": first.len()})
    );
    let shown = json_with(
        send(&app, Method::GET, "/v1/admin/issues/1", Some(&token), None).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(shown["edition"], issue["edition"]);
    let files = media_files(&app);
    assert_eq!(files.len(), 1, "{files:?}");
    assert_eq!(files[0].extension().unwrap(), "pdf");
    assert_eq!(
        files[0].parent().unwrap(),
        app.data_dir.path().join("media")
    );
    assert_eq!(std::fs::read(&files[0]).unwrap(), first);

    let mut second = sample_pdf();
    second.extend_from_slice(b"% a corrected edition\n");
    let replaced = json_with(
        upload(
            &app,
            "/v1/admin/issues/1/edition",
            Some(&token),
            &[pdf_part(&second)],
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(replaced["edition"]["size_bytes"], second.len());
    let files = media_files(&app);
    assert_eq!(files.len(), 1, "the replaced edition is removed: {files:?}");
    assert_eq!(std::fs::read(&files[0]).unwrap(), second);
}

async fn audio_is_stored_with_its_duration(app: TestApp) {
    let token = editor(&app).await;
    create_article(&app, &token, "listen", None).await;
    let mp3 = sample_mp3(400);
    let article = json_with(
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
    assert_eq!(
        article["audio"],
        json!({"duration_seconds": 754, "content_type": "audio/mpeg", "size_bytes": mp3.len()})
    );
    let files = media_files(&app);
    assert_eq!(
        (files.len(), files[0].extension().unwrap().to_str().unwrap()),
        (1, "mp3")
    );
    assert_eq!(std::fs::read(&files[0]).unwrap(), mp3);

    // The duration may also come after the file, or in the query string.
    let wav = sample_wav();
    let article = json_with(
        upload(
            &app,
            "/v1/admin/articles/listen/audio?duration_seconds=61",
            Some(&token),
            &[Part::File(Some("audio/x-wav"), &wav)],
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        article["audio"],
        json!({"duration_seconds": 61, "content_type": "audio/wav", "size_bytes": wav.len()})
    );
    let article = json_with(
        upload(
            &app,
            "/v1/admin/articles/listen/audio",
            Some(&token),
            &[
                Part::File(Some("audio/wav"), &wav),
                Part::Text("duration_seconds", " 62 "),
            ],
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(article["audio"]["duration_seconds"], 62);
    let shown = json_with(
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
    assert_eq!(shown["audio"], article["audio"]);
    let files = media_files(&app);
    assert_eq!(files.len(), 1, "replaced audio is removed: {files:?}");
    assert_eq!(files[0].extension().unwrap(), "wav");
}
