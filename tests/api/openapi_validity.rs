//! The OpenAPI document is valid OpenAPI 3.1, self-contained, consistent in
//! how it documents errors, and describes routes the application serves.

use crate::support::helpers::{Backend, spawn_app};
use serde_json::Value;

/// Every `$ref` in `value`, with where it was found.
fn refs<'a>(value: &'a Value, at: &str, found: &mut Vec<(String, &'a str)>) {
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                if key == "$ref" {
                    if let Some(target) = child.as_str() {
                        found.push((at.to_owned(), target));
                    }
                } else {
                    refs(child, &format!("{at}/{key}"), found);
                }
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                refs(child, &format!("{at}/{i}"), found);
            }
        }
        _ => {}
    }
}

const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// Error responses that carry no body at all, by design: a Range that
/// cannot be satisfied is answered by the file server with only
/// `Content-Range: bytes */<length>`, as HTTP prescribes.
const BODILESS: [(&str, &str, &str); 1] = [("get", "/v1/media/{token}", "416")];

/// Operations whose success is a `303 See Other` to the site: the
/// development checkout pages' buttons (as Stripe Checkout redirects), and
/// a person opening an unsubscribe link (sent to the site's page, which
/// asks before it posts).
const REDIRECTING: [(&str, &str); 5] = [
    ("post", "/v1/billing/dev/checkout/{id}/pay"),
    ("post", "/v1/billing/dev/checkout/{id}/cancel"),
    ("post", "/v1/gifts/dev/checkout/{id}/pay"),
    ("post", "/v1/gifts/dev/checkout/{id}/cancel"),
    ("get", "/v1/email/unsubscribe"),
];

#[tokio::test]
async fn the_document_is_valid_openapi_3_1() {
    let app = spawn_app(Backend::Sqlite).await;
    let text = app.get("/openapi.json").await.text().await.unwrap();
    let spec = oas3::from_json(&text).expect("parses as OpenAPI 3.1");
    let version = spec.validate_version().expect("a supported version");
    assert_eq!((version.major, version.minor), (3, 1));
    assert!(spec.operations().count() > 50);

    let document: Value = serde_json::from_str(&text).unwrap();
    let mut found = Vec::new();
    refs(&document, "", &mut found);
    assert!(!found.is_empty());
    for (at, target) in found {
        let pointer = target
            .strip_prefix('#')
            .unwrap_or_else(|| panic!("{at}: {target} points outside the document"));
        assert!(
            document.pointer(pointer).is_some(),
            "{at}: {target} resolves to nothing"
        );
    }

    for (path, item) in document["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            if !METHODS.contains(&method.as_str()) {
                continue;
            }
            let responses = operation["responses"].as_object().unwrap();
            let success = if REDIRECTING.contains(&(method.as_str(), path.as_str())) {
                "303"
            } else {
                "2"
            };
            assert!(
                responses.keys().any(|status| status.starts_with(success)),
                "{method} {path} documents no success"
            );
            for (status, response) in responses {
                if BODILESS.contains(&(method.as_str(), path.as_str(), status.as_str())) {
                    assert!(
                        response.get("content").is_none(),
                        "{method} {path} {status}"
                    );
                    continue;
                }
                if status.starts_with('4') || status.starts_with('5') {
                    let content = response["content"].as_object();
                    assert!(
                        content.is_some_and(|c| c.contains_key("application/problem+json")),
                        "{method} {path} {status} is not documented as application/problem+json"
                    );
                }
            }
        }
    }
}

/// The path with each `{parameter}` filled in with something plausible.
fn concrete(path: &str) -> String {
    path.split('/')
        .map(|segment| {
            if segment.starts_with('{') {
                if segment == "{number}" { "1" } else { "x" }
            } else {
                segment
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// Routes reach the app only through `routes::configure`, whose
/// `utoipa_actix_web` registration adds each to the document, so nothing is
/// served undocumented (the exact list is `operations.rs`). This checks the
/// other way: every documented operation is answered by a route, not by the
/// catch-all `route_not_found` nor with 405.
#[tokio::test]
async fn every_documented_operation_is_served() {
    let app = spawn_app(Backend::Sqlite).await;
    let document: Value = app.get("/openapi.json").await.json().await.unwrap();
    for (path, item) in document["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            if !METHODS.contains(&method.as_str()) {
                continue;
            }
            let url = app.url(&concrete(path));
            let method_name =
                reqwest::Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
            let response = app.client.request(method_name, &url).send().await.unwrap();
            let status = response.status();
            let body = response.text().await.unwrap();
            assert_ne!(status, 405, "{method} {path}: {body}");
            assert!(
                !body.contains("\"route_not_found\""),
                "{method} {path} is documented but not served: {body}"
            );
        }
    }
}

/// A media link serves the stored file in the content type its bytes were
/// checked to be (the demo's narrations are WAV, editions PDF, uploads any
/// of the audio formats the admin upload accepts). Each must be a documented
/// content type of the answer, or a client validating responses against the
/// document — schemathesis's `content_type_conformance` did — rejects a
/// perfectly good narration. OpenAPI 3.1 §4.8.17 (Responses Object,
/// `content`): "a map containing descriptions of potential response
/// payloads", keyed by media type.
#[tokio::test]
async fn every_stored_media_format_is_a_documented_answer_of_a_media_link() {
    let app = spawn_app(Backend::Sqlite).await;
    let document: Value = app.get("/openapi.json").await.json().await.unwrap();
    let answer = &document["paths"]["/v1/media/{token}"]["get"]["responses"]["200"]["content"];
    for content_type in [
        "application/pdf",
        "audio/mpeg",
        "audio/mp4",
        "audio/ogg",
        "audio/wav",
    ] {
        assert!(
            answer.get(content_type).is_some(),
            "{content_type} is not documented for GET /v1/media/{{token}}: {answer}"
        );
    }
}
