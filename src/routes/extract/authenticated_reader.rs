//! `AuthenticatedReader`: any logged-in reader whose session is live,
//! checked against the database on every request.

use super::bearer::{app_state, bearer_token, identity, session_ended};
use crate::db::{self, readers::ReaderRow};
use crate::domain::{ReaderId, Role, SessionId};
use crate::error::ApiError;
use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest};
use futures_util::future::LocalBoxFuture;

/// A reader whose access token verified and whose session is still live
/// (not logged out, not revoked, account not disabled).
#[derive(Debug, Clone)]
pub struct AuthenticatedReader {
    /// Who.
    pub reader_id: ReaderId,
    /// Which login.
    pub session_id: SessionId,
    /// The role as stored now (not as it was when the token was issued).
    pub role: Role,
    /// The account, read in the same query that checked the session.
    pub account: ReaderRow,
    /// When this session proved the staff second factor (`None`: it did not).
    pub second_factor_at: Option<chrono::NaiveDateTime>,
}

impl FromRequest for AuthenticatedReader {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let checked = app_state(req).and_then(|state| {
            let identity = identity(&state, bearer_token(req)?)?;
            Ok((state, identity))
        });
        Box::pin(async move {
            let (state, (reader_id, session_id)) = checked?;
            let (reader, session) = (reader_id.clone(), session_id.clone());
            let (account, second_factor_at) = state
                .db
                .run(move |conn| Ok(db::sessions::live_reader(conn, &session, &reader)?))
                .await?
                .ok_or_else(session_ended)?;
            Ok(Self {
                reader_id,
                session_id,
                role: account.role(),
                account,
                second_factor_at,
            })
        })
    }
}
