//! A small published magazine, built through the editors' admin API, for
//! the gate tests: issue 1 (the archive) and issue 2 (current), each with a
//! PDF edition; public, registered and subscriber articles in both; audio on
//! one article; an unpublished draft and an unpublished issue 3.

use crate::support::helpers::TestApp;
use masthead::domain::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};

/// A multipart body with one file part named `file` and text fields.
pub fn multipart(
    filename: &str,
    content_type: &str,
    bytes: &[u8],
    fields: &[(&str, &str)],
) -> (String, Vec<u8>) {
    let boundary = format!("masthead-{}", uuid::Uuid::new_v4().simple());
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    }
    body.extend_from_slice(
        format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{filename}\"\r\nContent-Type: {content_type}\r\n\r\n")
            .as_bytes(),
    );
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

/// A tiny but well-formed-looking PDF.
pub fn sample_pdf() -> Vec<u8> {
    b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n".to_vec()
}

/// A short MP3-like byte stream: an ID3 header and MPEG frame syncs.
pub fn sample_audio() -> Vec<u8> {
    let mut bytes = b"ID3\x03\x00\x00\x00\x00\x00\x00".to_vec();
    for i in 0..400_u32 {
        bytes.extend_from_slice(&[0xFF, 0xFB, 0x90, 0x64]);
        bytes.extend_from_slice(&i.to_be_bytes());
    }
    bytes
}

async fn send(
    app: &TestApp,
    method: reqwest::Method,
    path: &str,
    token: &str,
    body: Option<Value>,
) -> Value {
    let mut request = app.client.request(method, app.url(path)).bearer_auth(token);
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.unwrap();
    let status = response.status();
    let text = response.text().await.unwrap();
    assert!(status.is_success(), "{path}: {status} {text}");
    serde_json::from_str(&text).unwrap_or(Value::Null)
}

async fn upload(
    app: &TestApp,
    path: &str,
    token: &str,
    filename: &str,
    content_type: &str,
    bytes: &[u8],
    fields: &[(&str, &str)],
) {
    let (multipart_type, body) = multipart(filename, content_type, bytes, fields);
    let response = app
        .client
        .put(app.url(path))
        .bearer_auth(token)
        .header("content-type", multipart_type)
        .body(body)
        .send()
        .await
        .unwrap();
    let status = response.status();
    assert!(
        status.is_success(),
        "{path}: {status} {}",
        response.text().await.unwrap()
    );
}

/// Creates an article (slug, issue number, visibility, body) as an editor,
/// published when `publish`.
pub async fn article(
    app: &TestApp,
    token: &str,
    slug: &str,
    issue: i32,
    visibility: &str,
    body: &str,
    publish: bool,
) {
    send(
        app,
        reqwest::Method::POST,
        "/v1/admin/articles",
        token,
        Some(json!({
            "slug": slug,
            "title": format!("The {slug}"),
            "dek": "A standfirst.",
            "author": "A. Writer",
            "body": body,
            "issue_number": issue,
            "visibility": visibility,
            "paywall_cut": 2,
            "publication_date": format!("2026-0{issue}-10T09:00:00Z"),
        })),
    )
    .await;
    if publish {
        send(
            app,
            reqwest::Method::POST,
            &format!("/v1/admin/articles/{slug}/publish"),
            token,
            None,
        )
        .await;
    }
}

/// Issues 1 and 2 published with an edition each; issue 3 left unpublished.
async fn publish_issues(app: &TestApp, token: &str) {
    for number in 1..=3 {
        send(
            app,
            reqwest::Method::POST,
            "/v1/admin/issues",
            token,
            Some(json!({
                "number": number, "volume": 12, "year": 2026, "title": format!("Issue {number}"),
                "publication_date": format!("2026-0{number}-01T00:00:00Z"),
            })),
        )
        .await;
        if number < 3 {
            upload(
                app,
                &format!("/v1/admin/issues/{number}/edition"),
                token,
                "edition.pdf",
                "application/pdf",
                &sample_pdf(),
                &[],
            )
            .await;
            send(
                app,
                reqwest::Method::POST,
                &format!("/v1/admin/issues/{number}/publish"),
                token,
                None,
            )
            .await;
        }
    }
}

/// Builds the sample magazine; returns the audio bytes uploaded to `deep-dive`.
pub async fn publish_sample_catalogue(app: &TestApp) -> Vec<u8> {
    let editor = app.new_staff(Role::Editor).await;
    let token = editor.access_token.as_str();
    publish_issues(app, token).await;
    let deep_dive = "First paragraph of the deep dive.\n\nSecond paragraph.\n\nThird paragraph.\n\nFourth paragraph, for subscribers only.";
    article(
        app,
        token,
        "free-read",
        2,
        "public",
        "A public piece.\n\nIn two paragraphs.",
        true,
    )
    .await;
    article(
        app,
        token,
        "members-note",
        2,
        "registered",
        "For registered readers.",
        true,
    )
    .await;
    article(app, token, "deep-dive", 2, "subscribers", deep_dive, true).await;
    article(app, token, "draft-piece", 2, "public", "Not ready.", false).await;
    article(
        app,
        token,
        "old-public",
        1,
        "public",
        "From the archive, free.",
        true,
    )
    .await;
    article(
        app,
        token,
        "old-registered",
        1,
        "registered",
        "From the archive, registered.",
        true,
    )
    .await;
    article(
        app,
        token,
        "old-feature",
        1,
        "subscribers",
        "From the archive, subscribers.",
        true,
    )
    .await;
    let audio = sample_audio();
    upload(
        app,
        "/v1/admin/articles/deep-dive/audio",
        token,
        "deep-dive.mp3",
        "audio/mpeg",
        &audio,
        &[("duration_seconds", "754")],
    )
    .await;
    audio
}

/// Asks `path` (an audio or edition endpoint) for a signed URL as `token`.
pub async fn signed_media_url(app: &TestApp, path: &str, token: &str) -> String {
    let response = app.get_auth(path, token).await;
    assert_eq!(response.status(), StatusCode::OK);
    let body: Value = response.json().await.unwrap();
    body["url"].as_str().unwrap().to_owned()
}
