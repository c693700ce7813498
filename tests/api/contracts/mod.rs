//! Contract tests: one insta snapshot of every JSON shape an operation answers
//! with on success, so a renamed, dropped or retyped field shows up in review.
//! Each test runs on both backends and asserts the same `.snap`, so the names
//! never mention the backend and [`redact`] removes everything that varies
//! between runs (ids, times, tokens, emails, the test server's port).
//! [`coverage`] holds the claim to the OpenAPI document: an operation that
//! answers JSON and no snapshot pins fails it.

mod account;
mod billing;
mod catalogue;
mod coverage;
mod gift_links;
mod gifts;
mod jobs;
mod money;
mod offers;
mod preferences;
mod prices;
mod second_factor;
mod staff;

use reqwest::{Response, StatusCode};
use serde_json::Value;

/// Reads `response` as JSON after checking its status, then redacts it.
pub async fn shape(response: Response, status: StatusCode) -> Value {
    let got = response.status();
    let text = response.text().await.expect("a body");
    assert_eq!(got, status, "{text}");
    let mut body: Value = serde_json::from_str(&text).expect("a JSON body");
    redact(&mut body);
    body
}

/// Replaces every value that differs between runs with a fixed marker.
pub fn redact(value: &mut Value) {
    match value {
        Value::Object(map) => {
            for (key, field) in map.iter_mut() {
                match field {
                    Value::String(text) => *text = redacted(key, text),
                    _ => redact(field),
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(redact),
        Value::String(text) => *text = redacted("", text),
        _ => {}
    }
}

/// The marker for string `text` under `key`, or the text with any ids and
/// local addresses inside it replaced.
fn redacted(key: &str, text: &str) -> String {
    let marker = if key == "id" || key.ends_with("_id") || uuid::Uuid::parse_str(text).is_ok() {
        "[id]"
    } else if key.ends_with("_at") || chrono::DateTime::parse_from_rfc3339(text).is_ok() {
        "[timestamp]"
    } else if key.ends_with("token") || text.starts_with("eyJ") {
        "[token]"
    } else if key == "email" || text.contains('@') {
        "[email]"
    } else {
        return without_ports(&without_uuids(text));
    };
    marker.to_owned()
}

/// `text` with each UUID inside it (in a URL, say) replaced by `[id]`.
fn without_uuids(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while !rest.is_empty() {
        let found = rest.get(..36).filter(|c| uuid::Uuid::try_parse(c).is_ok());
        if found.is_some() {
            out.push_str("[id]");
            rest = &rest[36..];
        } else {
            let next = rest.chars().next().expect("not empty");
            out.push(next);
            rest = &rest[next.len_utf8()..];
        }
    }
    out
}

/// `text` with the test server's `127.0.0.1:<port>` replaced by `[host]`.
fn without_ports(text: &str) -> String {
    const HOST: &str = "127.0.0.1:";
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(HOST) {
        out.push_str(&rest[..at]);
        let after = &rest[at + HOST.len()..];
        let digits = after.chars().take_while(char::is_ascii_digit).count();
        out.push_str("[host]");
        rest = &after[digits..];
    }
    out.push_str(rest);
    out
}

#[test]
fn redaction_hides_ids_times_tokens_and_ports() {
    let mut value = serde_json::json!({
        "id": "sub_1", "reader_id": "x", "paid_at": "soon", "email": "a@b.c",
        "access_token": "abc", "url": "http://127.0.0.1:4567/v1/x/0190c2c4-8f7e-7a3b-9c1d-2e3f4a5b6c7d/pay",
        "when": "2026-01-02T03:04:05Z", "name": "Ada", "list": ["0190c2c4-8f7e-7a3b-9c1d-2e3f4a5b6c7d"],
    });
    redact(&mut value);
    assert_eq!(
        value,
        serde_json::json!({
            "id": "[id]", "reader_id": "[id]", "paid_at": "[timestamp]", "email": "[email]",
            "access_token": "[token]", "url": "http://[host]/v1/x/[id]/pay",
            "when": "[timestamp]", "name": "Ada", "list": ["[id]"],
        })
    );
}
