//! `POST /v1/auth/logout`: end the current session.

use super::{accounts, browser_session};
use crate::accounts::sessions::{end_session, session_of_refresh_token};
use crate::error::{ApiError, Problem};
use crate::routes::extract::AuthenticatedReader;
use crate::state::AppState;
use actix_web::{FromRequest, HttpRequest, HttpResponse, http::header, post, web};

/// The session to end: the bearer token's, or in browser mode without one,
/// the refresh cookie's (after the CSRF check). `None` for a cookie whose
/// token is unknown: there is nothing left to revoke.
async fn session_to_end(req: &HttpRequest, state: &AppState) -> Result<Option<String>, ApiError> {
    let bearer = req.headers().contains_key(header::AUTHORIZATION);
    if !bearer
        && let Some(token) = browser_session::refresh_token_from_cookie(req, &state.settings)?
    {
        return session_of_refresh_token(&accounts(state), &token).await;
    }
    let reader = AuthenticatedReader::extract(req).await?;
    Ok(Some(reader.session_id.to_string()))
}

/// Revokes the session of the access token: its refresh tokens stop working
/// and so does the access token itself. In browser mode the refresh cookie
/// (with `X-CSRF-Token`) may name the session instead, and the cookies are
/// cleared.
#[utoipa::path(
    tag = "auth",
    security(("bearer" = [])),
    params(
        ("X-CSRF-Token" = Option<String>, Header, description = "Browser mode, logging out by cookie: required, any non-empty value (e.g. `1`); it forces a CORS preflight that only allowed origins pass"),
    ),
    responses(
        (status = 204, description = "Logged out (browser mode: the cookie cleared)"),
        (status = 401, description = "No valid session", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Browser mode: the cookie came without `X-CSRF-Token` or from an origin that is not allowed (`csrf_failed`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/v1/auth/logout")]
pub async fn logout(
    state: web::Data<AppState>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    if let Some(session) = session_to_end(&req, &state).await? {
        end_session(&accounts(&state), session).await?;
    }
    let mut response = HttpResponse::NoContent();
    if state.settings.refresh_cookie {
        browser_session::clear_cookies(&mut response);
    }
    Ok(response.finish())
}
