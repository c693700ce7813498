//! `POST /v1/auth/refresh`: rotate a refresh token into a new pair.

use super::{TokenPair, accounts, browser_session, issue_tokens};
use crate::accounts::rotate_refresh_token;
use crate::domain::FieldError;
use crate::error::{ApiError, Problem};
use crate::routes::decoding::OptionalJson;
use crate::state::AppState;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, post, web};
use serde::Deserialize;
use utoipa::ToSchema;

/// The refresh token to rotate.
#[derive(Debug, Deserialize, ToSchema)]
pub struct RefreshRequest {
    /// The refresh token from the last login or refresh. Leave it out in
    /// browser mode: the `masthead_refresh` cookie carries it.
    #[serde(default)]
    pub refresh_token: String,
}

/// The presented token: the body's, else (browser mode) the cookie's after
/// the CSRF check.
fn presented_token(
    req: &HttpRequest,
    state: &AppState,
    body: Option<RefreshRequest>,
) -> Result<String, ApiError> {
    if let Some(token) = body
        .map(|body| body.refresh_token.trim().to_owned())
        .filter(|token| !token.is_empty())
    {
        return Ok(token);
    }
    if let Some(token) = browser_session::refresh_token_from_cookie(req, &state.settings)? {
        return Ok(token);
    }
    Err(if state.settings.refresh_cookie {
        ApiError::unauthenticated(
            "missing_refresh_token",
            "no masthead_refresh cookie was sent; log in",
        )
    } else {
        ApiError::invalid_field(
            FieldError::new("required", "a refresh token is required").at("refresh_token"),
        )
    })
}

/// Exchanges a refresh token for a new access token and a new refresh token.
/// The presented token is spent; presenting it again ends the whole session,
/// except within `MASTHEAD_REFRESH_REUSE_INTERVAL_SECONDS` of its rotation
/// (two tabs refreshing at once), which hands out another pair of the same
/// session.
/// In browser mode (`MASTHEAD_REFRESH_COOKIE`) the token may come from the
/// `masthead_refresh` cookie instead of the body, with an `X-CSRF-Token` header, and
/// the new one is set in the cookie rather than returned.
#[utoipa::path(
    tag = "auth",
    request_body(content = Option<RefreshRequest>, description = "The token; may be left out in browser mode"),
    params(
        ("X-CSRF-Token" = Option<String>, Header, description = "Browser mode, with the cookie: required, any non-empty value (e.g. `1`); it forces a CORS preflight that only allowed origins pass"),
    ),
    responses(
        (status = 200, description = "A new token pair (browser mode: a new `masthead_refresh` cookie, no `refresh_token` in the body)", body = TokenPair),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Unknown, expired or revoked token (`invalid_refresh_token`), a reused one, rotated longer than the reuse interval ago (`refresh_token_reused`, the session is now revoked), or in browser mode no token at all (`missing_refresh_token`)", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Browser mode: the cookie came without `X-CSRF-Token` or from an origin that is not allowed (`csrf_failed`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "No token sent", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/v1/auth/refresh")]
pub async fn refresh(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: OptionalJson<RefreshRequest>,
) -> Result<HttpResponse, ApiError> {
    let presented = presented_token(&req, &state, body.0)?;
    let rotated = rotate_refresh_token(&accounts(&state), &presented).await?;
    let issued = issue_tokens(
        &state,
        &rotated.reader_id,
        &rotated.session_id,
        rotated.role,
        rotated.refresh_token,
    )
    .await?;
    Ok(issued.respond(&state, StatusCode::OK, |pair| pair))
}
