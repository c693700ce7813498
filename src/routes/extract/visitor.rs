//! `Visitor`: whoever is looking at public content. No `Authorization`
//! header is an anonymous visitor; a header that does not verify is a 401
//! (so the front-end refreshes rather than silently showing teasers).
//! Session liveness comes from the short-TTL cache: the gate is on every
//! page view.

use super::bearer::{app_state, bearer_token, identity, session_ended};
use crate::domain::{ReaderId, Role};
use crate::error::ApiError;
use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest, http::header};
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
        let checked = if req.headers().contains_key(header::AUTHORIZATION) {
            app_state(req).and_then(|state| {
                let identity = identity(&state, bearer_token(req)?)?;
                Ok(Some((state, identity)))
            })
        } else {
            Ok(None)
        };
        Box::pin(async move {
            let Some((state, (reader_id, session_id))) = checked? else {
                return Ok(Self::Anonymous);
            };
            let role = state
                .cache
                .live_session(&state.db, &session_id, &reader_id)
                .await?
                .ok_or_else(session_ended)?;
            Ok(Self::Reader { reader_id, role })
        })
    }
}
