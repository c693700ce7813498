//! `Visitor`: whoever is looking at public content. No `Authorization`
//! header is an anonymous visitor; a header that does not verify is a 401
//! (so the front-end refreshes rather than silently showing teasers).
//! Session liveness comes from the short-TTL cache: the gate is on every
//! page view.

use super::TokenError;
use crate::domain::{ReaderId, Role, SessionId};
use crate::error::ApiError;
use crate::startup::AppState;
use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest, http::header, web};
use futures_util::future::LocalBoxFuture;

/// An anonymous visitor or a logged-in reader.
#[derive(Debug, Clone)]
pub enum Visitor {
    /// No credentials sent.
    Anonymous,
    /// A reader with a live session.
    Reader {
        /// Who.
        reader_id: ReaderId,
        /// Their role.
        role: Role,
    },
}

impl Visitor {
    /// The reader, if logged in.
    pub fn reader_id(&self) -> Option<&ReaderId> {
        match self {
            Self::Anonymous => None,
            Self::Reader { reader_id, .. } => Some(reader_id),
        }
    }
}

impl FromRequest for Visitor {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let state = req.app_data::<web::Data<AppState>>().cloned();
        let header = req.headers().get(header::AUTHORIZATION).cloned();
        Box::pin(async move {
            let Some(header) = header else {
                return Ok(Self::Anonymous);
            };
            let state = state
                .ok_or_else(|| ApiError::Unexpected(anyhow::anyhow!("no application state")))?;
            let token = header
                .to_str()
                .ok()
                .and_then(|v| {
                    v.strip_prefix("Bearer ")
                        .or_else(|| v.strip_prefix("bearer "))
                })
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .ok_or_else(|| {
                    ApiError::unauthenticated(
                        "invalid_token",
                        "the Authorization header is not a bearer token",
                    )
                })?;
            let claims = state.tokens.verify(token).map_err(|error| match error {
                TokenError::Expired => {
                    ApiError::unauthenticated("token_expired", error.to_string())
                }
                TokenError::Invalid => {
                    ApiError::unauthenticated("invalid_token", error.to_string())
                }
            })?;
            let (Some(reader_id), Some(session_id)) =
                (ReaderId::parse(&claims.sub), SessionId::parse(&claims.sid))
            else {
                return Err(ApiError::unauthenticated(
                    "invalid_token",
                    "the access token is invalid",
                ));
            };
            let role = state
                .cache
                .live_session(&state.db, &session_id, &reader_id)
                .await?
                .ok_or_else(|| {
                    ApiError::unauthenticated(
                        "session_revoked",
                        "this session has ended; log in again",
                    )
                })?;
            Ok(Self::Reader { reader_id, role })
        })
    }
}
