//! `POST /v1/auth/refresh`: rotate a refresh token into a new pair.

use super::{TokenPair, token_pair};
use crate::auth::RefreshToken;
use crate::db::{self, sessions::Rotation};
use crate::error::{ApiError, FieldError, Problem};
use crate::startup::AppState;
use actix_web::{HttpResponse, post, web};
use serde::Deserialize;
use utoipa::ToSchema;

/// The refresh token to rotate.
#[derive(Debug, Deserialize, ToSchema)]
pub struct RefreshRequest {
    /// The refresh token from the last login or refresh.
    #[serde(default)]
    pub refresh_token: String,
}

/// Exchanges a refresh token for a new access token and a new refresh token.
/// The presented token is spent; presenting it again ends the whole session.
#[utoipa::path(
    tag = "auth",
    request_body = RefreshRequest,
    responses(
        (status = 200, description = "A new token pair", body = TokenPair),
        (status = 401, description = "Unknown, expired or revoked token (`invalid_refresh_token`), or a reused one (`refresh_token_reused`, the session is now revoked)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "No token sent", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/v1/auth/refresh")]
pub async fn refresh(
    state: web::Data<AppState>,
    body: web::Json<RefreshRequest>,
) -> Result<HttpResponse, ApiError> {
    let presented = body.into_inner().refresh_token;
    if presented.trim().is_empty() {
        return Err(ApiError::invalid_field(
            FieldError::new("required", "a refresh token is required").at("refresh_token"),
        ));
    }
    let presented_hash = RefreshToken::hash_of(presented.trim());
    let next = RefreshToken::generate();
    let next_hash = next.hash();
    let rotation = state
        .db
        .run(move |conn| {
            db::write_transaction(conn, |conn| {
                let now = chrono::Utc::now().naive_utc();
                Ok(db::sessions::rotate(
                    conn,
                    &presented_hash,
                    &next_hash,
                    now,
                )?)
            })
        })
        .await?;
    match rotation {
        Rotation::Rotated {
            reader_id,
            session_id,
            role,
        } => {
            let pair = token_pair(&state, &reader_id, &session_id, role, next.into_plaintext())?;
            Ok(HttpResponse::Ok().json(pair))
        }
        Rotation::Reused => {
            state.cache.sessions_changed();
            tracing::warn!("a rotated refresh token was presented again; its session is revoked");
            Err(ApiError::unauthenticated(
                "refresh_token_reused",
                "this refresh token was already used; the session has been ended, log in again",
            ))
        }
        Rotation::Refused => Err(ApiError::unauthenticated(
            "invalid_refresh_token",
            "the refresh token is unknown, expired or revoked",
        )),
    }
}
