//! One guard for every string a request carries: a NUL character (U+0000)
//! in the path, the query or a JSON body is refused with a 400 problem
//! before any handler, so none reaches the database. PostgreSQL cannot
//! store NUL in `text` and failed with a 500; SQLite would store it and
//! compare it unlike the string a reader sees.
//!
//! Not checked: the Stripe webhook body (its raw bytes are what the
//! signature covers, and it is parsed by its own strict decoder) and
//! multipart uploads (files, not strings).

use crate::error::ApiError;
use crate::routes::admin::ARTICLE_JSON_LIMIT_BYTES;
use actix_web::body::MessageBody;
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::http::header;
use actix_web::middleware::Next;
use actix_web::web::{Bytes, BytesMut};
use futures_util::StreamExt;

/// The paths whose bodies are not checked (see the module comment).
const RAW_BODY_PREFIX: &str = "/v1/webhooks/";

/// Middleware: 400 `nul_character` for a NUL anywhere in the path, the
/// query string or (for JSON bodies) any string or key of the body.
pub async fn refuse_nul(
    mut req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    if has_encoded_nul(req.path()) || has_encoded_nul(req.query_string()) {
        return Err(refused("the URL").into());
    }
    if is_json(&req) && !req.path().starts_with(RAW_BODY_PREFIX) {
        let body = read_body(std::mem::replace(req.parts_mut().1, Payload::None)).await?;
        if json_has_nul(&body) {
            return Err(refused("the body").into());
        }
        req.set_payload(Payload::from(body));
    }
    next.call(req).await
}

fn refused(place: &str) -> ApiError {
    ApiError::bad_request(
        "nul_character",
        format!("{place} contains a NUL character (U+0000), which no field accepts"),
    )
}

/// A NUL can only arrive percent-encoded: the HTTP parser refuses a raw one.
fn has_encoded_nul(raw: &str) -> bool {
    raw.as_bytes()
        .windows(3)
        .any(|w| w[0] == b'%' && w[1] == b'0' && w[2] == b'0')
}

fn is_json(req: &ServiceRequest) -> bool {
    req.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.split(';').next())
        .is_some_and(|mime| {
            let mime = mime.trim().to_ascii_lowercase();
            mime == "application/json" || mime.ends_with("+json")
        })
}

/// The body, up to the largest JSON limit of any route (the article
/// routes'); each route's own, smaller limit is still applied by its JSON
/// extractor, which answers 413.
async fn read_body(mut payload: Payload) -> Result<Bytes, actix_web::Error> {
    let mut body = BytesMut::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk?;
        body.extend_from_slice(&chunk);
        if body.len() > ARTICLE_JSON_LIMIT_BYTES {
            return Err(ApiError::PayloadTooLarge {
                limit: ARTICLE_JSON_LIMIT_BYTES,
            }
            .into());
        }
    }
    Ok(body.freeze())
}

/// Whether any string or key of the JSON document holds a NUL. A body
/// that is not JSON is left to the extractor, which explains what is wrong.
fn json_has_nul(body: &[u8]) -> bool {
    if !body.contains(&0) && !contains_ignore_case(body, b"\\u0000") {
        return false;
    }
    if body.contains(&0) {
        return true;
    }
    serde_json::from_slice::<serde_json::Value>(body).is_ok_and(|value| value_has_nul(&value))
}

fn contains_ignore_case(haystack: &[u8], needle: &[u8]) -> bool {
    haystack
        .windows(needle.len())
        .any(|w| w.eq_ignore_ascii_case(needle))
}

fn value_has_nul(value: &serde_json::Value) -> bool {
    match value {
        serde_json::Value::String(text) => text.contains('\0'),
        serde_json::Value::Array(items) => items.iter().any(value_has_nul),
        serde_json::Value::Object(fields) => fields
            .iter()
            .any(|(key, value)| key.contains('\0') || value_has_nul(value)),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_encoded_nul_in_urls() {
        assert!(has_encoded_nul("/v1/articles/%00"));
        assert!(has_encoded_nul("q=a%00b"));
        assert!(!has_encoded_nul("/v1/articles/a%2500"));
        assert!(!has_encoded_nul("/v1/articles/100"));
    }

    #[test]
    fn finds_nul_in_json_strings_and_keys() {
        assert!(json_has_nul(br#"{"name": "a\u0000b"}"#));
        assert!(json_has_nul(br#"{"a\u0000": 1}"#));
        assert!(json_has_nul(br#"[["\u0000"]]"#));
        assert!(
            !json_has_nul(br#"{"name": "a\\u0000b"}"#),
            "an escaped backslash"
        );
        assert!(!json_has_nul(br#"{"name": "plain"}"#));
    }
}
