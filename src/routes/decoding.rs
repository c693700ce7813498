//! Decoding failures (JSON bodies, paths, queries) and unknown routes answer
//! with the same problem+json body as every other error.

use crate::domain::FieldError;
use crate::error::ApiError;
use actix_web::dev::Payload;
use actix_web::error::{JsonPayloadError, PathError, QueryPayloadError};
use actix_web::http::header;
use actix_web::{FromRequest, HttpRequest, HttpResponse, web};
use futures_util::future::LocalBoxFuture;
use serde::de::DeserializeOwned;

/// Largest JSON body accepted by any endpoint.
pub const JSON_LIMIT_BYTES: usize = 64 * 1024;

/// JSON bodies: 64 KiB at most (413 beyond), `application/json` only (415),
/// syntax errors 400, well-formed JSON of the wrong shape 422.
pub fn json_config() -> web::JsonConfig {
    web::JsonConfig::default()
        .limit(JSON_LIMIT_BYTES)
        .error_handler(|error, _req| json_error(&error).into())
}

fn json_error(error: &JsonPayloadError) -> ApiError {
    match error {
        JsonPayloadError::OverflowKnownLength { limit, .. }
        | JsonPayloadError::Overflow { limit } => ApiError::PayloadTooLarge { limit: *limit },
        JsonPayloadError::ContentType => ApiError::UnsupportedMediaType {
            detail: "send the body as JSON with `Content-Type: application/json`".to_owned(),
        },
        JsonPayloadError::Deserialize(error) if error.is_data() => {
            ApiError::invalid_field(FieldError::new("invalid_type", error.to_string()).at("body"))
        }
        JsonPayloadError::Deserialize(error) => ApiError::bad_request(
            "malformed_json",
            format!("the body is not valid JSON: {error}"),
        ),
        other => ApiError::bad_request("malformed_body", other.to_string()),
    }
}

/// Path parameters that do not parse: 404, as the resource cannot exist.
pub fn path_config() -> web::PathConfig {
    web::PathConfig::default().error_handler(|error: PathError, _req| {
        ApiError::not_found("not_found", format!("no such resource: {error}")).into()
    })
}

/// Query strings that do not parse: 400 naming the problem.
pub fn query_config() -> web::QueryConfig {
    web::QueryConfig::default().error_handler(|error: QueryPayloadError, _req| {
        ApiError::bad_request("invalid_query", error.to_string()).into()
    })
}

/// A JSON body the client may leave out: a request with no body and no
/// content type is `None` (`POST .../cancel` with nothing to say), anything
/// else is decoded exactly as `web::Json` decodes it, with the same limits
/// and the same problem+json errors. (actix's `Option<Json<T>>` would turn
/// malformed JSON into `None` instead of a 400.)
pub struct OptionalJson<T>(pub Option<T>);

impl<T: DeserializeOwned + 'static> FromRequest for OptionalJson<T> {
    type Error = actix_web::Error;
    type Future = LocalBoxFuture<'static, Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let headers = req.headers();
        let no_body = !headers.contains_key(header::CONTENT_TYPE)
            && !headers.contains_key(header::TRANSFER_ENCODING)
            && headers
                .get(header::CONTENT_LENGTH)
                .is_none_or(|length| length.as_bytes() == b"0");
        if no_body {
            return Box::pin(std::future::ready(Ok(Self(None))));
        }
        let json = web::Json::<T>::from_request(req, payload);
        Box::pin(async move { Ok(Self(Some(json.await?.into_inner()))) })
    }
}

/// Anything no route matches.
pub async fn route_not_found(req: HttpRequest) -> Result<HttpResponse, ApiError> {
    Err(ApiError::not_found(
        "route_not_found",
        format!("no route for {} {}", req.method(), req.path()),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::ResponseError;

    #[test]
    fn syntax_errors_are_400_and_shape_errors_422() {
        let syntax = serde_json::from_str::<serde_json::Value>("{").unwrap_err();
        assert_eq!(
            json_error(&JsonPayloadError::Deserialize(syntax)).status_code(),
            400
        );
        let shape = serde_json::from_str::<String>("1").unwrap_err();
        assert_eq!(
            json_error(&JsonPayloadError::Deserialize(shape)).status_code(),
            422
        );
    }

    #[test]
    fn oversize_is_413() {
        let error = JsonPayloadError::Overflow {
            limit: JSON_LIMIT_BYTES,
        };
        assert_eq!(json_error(&error).status_code(), 413);
    }
}
