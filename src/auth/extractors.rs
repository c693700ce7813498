//! Request extractors: `AuthenticatedReader` for any logged-in reader and
//! `Staff<R>` for staff holding role `R` (or admin).

use super::TokenError;
use crate::db::audit_log::AuditEntry;
use crate::db::{self, readers::ReaderRow};
use crate::domain::{AuditAction, ReaderId, Role, SessionId};
use crate::error::ApiError;
use crate::startup::AppState;
use crate::telemetry::RequestId;
use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpMessage, HttpRequest, http::header, web};
use futures_util::future::LocalBoxFuture;
use std::marker::PhantomData;

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
}

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
            let account = state
                .db
                .run(move |conn| Ok(db::sessions::live_reader(conn, &session, &reader)?))
                .await?
                .ok_or_else(session_ended)?;
            Ok(Self {
                reader_id,
                session_id,
                role: account.role(),
                account,
            })
        })
    }
}

/// A role requirement for [`Staff`].
pub trait RequiredRole {
    /// Whether `role` satisfies the requirement.
    fn allows(role: Role) -> bool;
    /// Names the requirement in a 403.
    const NAME: &'static str;
}

/// Support staff (or admin).
pub struct SupportRole;
/// Editors (or admin).
pub struct EditorRole;
/// Admins only.
pub struct AdminRole;
/// Any staff role.
pub struct AnyStaffRole;

impl RequiredRole for SupportRole {
    const NAME: &'static str = "support";
    fn allows(role: Role) -> bool {
        role.grants(Role::Support)
    }
}
impl RequiredRole for EditorRole {
    const NAME: &'static str = "editor";
    fn allows(role: Role) -> bool {
        role.grants(Role::Editor)
    }
}
impl RequiredRole for AdminRole {
    const NAME: &'static str = "admin";
    fn allows(role: Role) -> bool {
        role == Role::Admin
    }
}
impl RequiredRole for AnyStaffRole {
    const NAME: &'static str = "staff";
    fn allows(role: Role) -> bool {
        role.is_staff()
    }
}

/// A staff member holding the role `R` requires: 401 without a valid
/// session, 403 with the wrong role.
pub struct Staff<R: RequiredRole> {
    /// The staff member.
    pub member: AuthenticatedReader,
    /// The request's id (`X-Request-Id`), recorded in the audit log.
    pub request_id: Option<String>,
    role: PhantomData<R>,
}

impl<R: RequiredRole> Staff<R> {
    /// Whom this staff member may act on (see [`crate::domain::StaffScope`]).
    pub fn scope(&self) -> crate::domain::StaffScope {
        crate::domain::StaffScope {
            staff: self.member.reader_id.clone(),
            role: self.member.role,
        }
    }

    /// Who the subscription history names when this staff member acts,
    /// e.g. `staff:<id>`.
    pub fn actor(&self) -> String {
        format!("staff:{}", self.member.reader_id)
    }

    /// An audit entry for `action` on `target` (its kind and id) by this
    /// staff member in this request, timed now; add the reader, reason and
    /// details, then record it in the transaction that makes the change.
    pub fn audit(&self, action: AuditAction, target: (&str, &str)) -> AuditEntry {
        AuditEntry {
            staff_id: self.member.reader_id.to_string(),
            staff_role: self.member.role.as_str().to_owned(),
            action: action.as_str().to_owned(),
            target_type: target.0.to_owned(),
            target_id: target.1.to_owned(),
            reader_id: None,
            reason: None,
            details: None,
            request_id: self.request_id.clone(),
            occurred_at: chrono::Utc::now().naive_utc(),
        }
    }
}

impl<R: RequiredRole + 'static> FromRequest for Staff<R> {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let reader = AuthenticatedReader::from_request(req, payload);
        let request_id = req.extensions().get::<RequestId>().map(|id| id.0.clone());
        Box::pin(async move {
            let member = reader.await?;
            if R::allows(member.role) {
                Ok(Self {
                    member,
                    request_id,
                    role: PhantomData,
                })
            } else {
                Err(ApiError::forbidden(
                    "insufficient_role",
                    format!("this action needs the {} role", R::NAME),
                ))
            }
        })
    }
}
