//! What the reader extractors share: the bearer token of a request and the
//! identity it verifies to.

use crate::auth::TokenError;
use crate::domain::{ReaderId, SessionId};
use crate::error::ApiError;
use crate::state::AppState;
use actix_web::{HttpRequest, http::header, web};

/// The token of an `Authorization: Bearer <token>` header.
pub(super) fn bearer_token(req: &HttpRequest) -> Result<&str, ApiError> {
    let value = req.headers().get(header::AUTHORIZATION).ok_or_else(|| {
        ApiError::unauthenticated(
            "missing_token",
            "send an access token as `Authorization: Bearer <token>`",
        )
    })?;
    value
        .to_str()
        .ok()
        .and_then(|v| v.split_once(' '))
        // The scheme is case-insensitive (RFC 9110 §11.1): `BEARER` too.
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, token)| token.trim())
        .filter(|token| !token.is_empty())
        .ok_or_else(|| {
            ApiError::unauthenticated(
                "invalid_token",
                "the Authorization header is not a bearer token",
            )
        })
}

/// The application state of a request (always registered by `startup`).
pub(super) fn app_state(req: &HttpRequest) -> Result<web::Data<AppState>, ApiError> {
    req.app_data::<web::Data<AppState>>()
        .cloned()
        .ok_or_else(|| ApiError::Unexpected(anyhow::anyhow!("no application state")))
}

/// Verifies a bearer token and returns whom and which session it speaks
/// for; whether that session is still live is the caller's next question.
pub(super) fn identity(state: &AppState, token: &str) -> Result<(ReaderId, SessionId), ApiError> {
    let claims = state.tokens.verify(token).map_err(|error| match error {
        TokenError::Expired => ApiError::unauthenticated("token_expired", error.to_string()),
        TokenError::Invalid => ApiError::unauthenticated("invalid_token", error.to_string()),
    })?;
    match (ReaderId::parse(&claims.sub), SessionId::parse(&claims.sid)) {
        (Some(reader), Some(session)) => Ok((reader, session)),
        _ => Err(ApiError::unauthenticated(
            "invalid_token",
            "the access token is invalid",
        )),
    }
}

/// 401 for a session that has ended.
pub(super) fn session_ended() -> ApiError {
    ApiError::unauthenticated("session_revoked", "this session has ended; log in again")
}
