//! The editors' catalogue under `/v1/admin`: issues, articles, and their
//! edition and audio uploads. Shared helpers here; the tests by theme in
//! the submodules.

mod article_refusals;
mod articles;
mod issue_refusals;
mod issues;
mod roles;
mod upload_limits;
mod upload_refusals;
mod uploads;

use crate::support::helpers::TestApp;
use masthead::domain::Role;
use reqwest::{Method, Response, StatusCode};
use serde_json::{Value, json};
use std::path::{Path, PathBuf};

/// An editor's access token.
pub async fn editor(app: &TestApp) -> String {
    app.new_staff(Role::Editor).await.access_token
}

/// Sends `body` (if any) as JSON with `token` (if any).
pub async fn send(
    app: &TestApp,
    method: Method,
    path: &str,
    token: Option<&str>,
    body: Option<&Value>,
) -> Response {
    let mut request = app.client.request(method, app.url(path));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    if let Some(body) = body {
        request = request.json(body);
    }
    request.send().await.expect("request sent")
}

/// Asserts `status` and returns the JSON body.
pub async fn json_with(response: Response, status: StatusCode) -> Value {
    let actual = response.status();
    let text = response.text().await.unwrap();
    assert_eq!(actual, status, "unexpected status; body: {text}");
    serde_json::from_str(&text).expect("a JSON body")
}

/// A valid new issue.
pub fn issue_body(number: i32) -> Value {
    json!({
        "number": number,
        "volume": 12,
        "year": 2026,
        "title": format!("Issue {number}"),
        "cover_image_url": format!("https://cdn.example/covers/{number}.jpg"),
        "publication_date": "2026-03-01T09:00:00+01:00",
    })
}

/// Creates an issue as `token` and returns it.
pub async fn create_issue(app: &TestApp, token: &str, number: i32) -> Value {
    let response = send(
        app,
        Method::POST,
        "/v1/admin/issues",
        Some(token),
        Some(&issue_body(number)),
    )
    .await;
    json_with(response, StatusCode::CREATED).await
}

/// A valid new article, in `issue` if given.
pub fn article_body(slug: &str, issue: Option<i32>) -> Value {
    json!({
        "slug": slug,
        "title": "The Long Read",
        "dek": "Why it matters.",
        "author": "A. Writer",
        "body": "First paragraph.\n\nSecond paragraph.\n\nThird paragraph.",
        "issue_number": issue,
        "visibility": "subscribers",
        "paywall_cut": 1,
        "publication_date": "2026-03-05T10:00:00Z",
    })
}

/// Creates an article as `token` and returns it.
pub async fn create_article(app: &TestApp, token: &str, slug: &str, issue: Option<i32>) -> Value {
    let response = send(
        app,
        Method::POST,
        "/v1/admin/articles",
        Some(token),
        Some(&article_body(slug, issue)),
    )
    .await;
    json_with(response, StatusCode::CREATED).await
}

/// The field names a 422 lists, sorted.
pub fn invalid_fields(problem: &Value) -> Vec<String> {
    let mut fields: Vec<String> = problem["errors"]
        .as_array()
        .expect("a list of field errors")
        .iter()
        .map(|error| error["field"].as_str().unwrap().to_owned())
        .collect();
    fields.sort();
    fields
}

/// One part of a hand-built multipart body.
pub enum Part<'a> {
    /// A text part.
    Text(&'a str, &'a str),
    /// The `file` part with a declared content type (or none).
    File(Option<&'a str>, &'a [u8]),
}

/// A `multipart/form-data` body: (content type with boundary, bytes).
pub fn multipart(parts: &[Part<'_>]) -> (String, Vec<u8>) {
    let boundary = format!("masthead-test-{}", uuid::Uuid::new_v4().simple());
    let mut body = Vec::new();
    for part in parts {
        body.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
        match part {
            Part::Text(name, value) => {
                body.extend_from_slice(
                    format!("Content-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}")
                        .as_bytes(),
                );
            }
            Part::File(content_type, bytes) => {
                body.extend_from_slice(
                    b"Content-Disposition: form-data; name=\"file\"; filename=\"upload.bin\"\r\n",
                );
                if let Some(content_type) = content_type {
                    body.extend_from_slice(format!("Content-Type: {content_type}\r\n").as_bytes());
                }
                body.extend_from_slice(b"\r\n");
                body.extend_from_slice(bytes);
            }
        }
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

/// PUTs a multipart body to `path` as `token` (if any).
pub async fn upload(
    app: &TestApp,
    path: &str,
    token: Option<&str>,
    parts: &[Part<'_>],
) -> Response {
    let (content_type, body) = multipart(parts);
    let mut request = app
        .client
        .put(app.url(path))
        .header("content-type", content_type)
        .body(body);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    request.send().await.expect("request sent")
}

/// The `file` part holding a PDF declared `application/pdf`.
pub fn pdf_part(bytes: &[u8]) -> Part<'_> {
    Part::File(Some("application/pdf"), bytes)
}

/// A tiny PDF.
pub fn sample_pdf() -> Vec<u8> {
    b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n".to_vec()
}

/// An MP3-like stream of `frames` frames: an ID3 header, then frame syncs.
pub fn sample_mp3(frames: u32) -> Vec<u8> {
    let mut bytes = b"ID3\x03\x00\x00\x00\x00\x00\x00".to_vec();
    for i in 0..frames {
        bytes.extend_from_slice(&[0xFF, 0xFB, 0x90, 0x64]);
        bytes.extend_from_slice(&i.to_be_bytes());
    }
    bytes
}

/// A tiny WAV: RIFF header, `fmt ` and an empty `data` chunk.
pub fn sample_wav() -> Vec<u8> {
    let mut bytes = b"RIFF\x24\x00\x00\x00WAVEfmt \x10\x00\x00\x00\x01\x00\x01\x00".to_vec();
    bytes.extend_from_slice(&[0x40, 0x1F, 0, 0, 0x80, 0x3E, 0, 0, 2, 0, 16, 0]);
    bytes.extend_from_slice(b"data\x00\x00\x00\x00");
    bytes
}

/// Every regular file under `dir` (recursively), none when it is absent.
pub fn files_under(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut files = Vec::new();
    for entry in entries {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(files_under(&path));
        } else {
            files.push(path);
        }
    }
    files
}

/// Every file in the app's media folder, `tmp/` included.
pub fn media_files(app: &TestApp) -> Vec<PathBuf> {
    files_under(&app.data_dir.path().join("media"))
}
