//! `Staff<R>`: a staff member holding role `R` (or admin); the role types
//! name the requirement in the handler's signature.

use super::AuthenticatedReader;
use crate::db::audit_log::AuditEntry;
use crate::domain::{Actor, AuditAction, Role};
use crate::error::ApiError;
use crate::routes::middleware::RequestId;
use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpMessage, HttpRequest};
use futures_util::future::LocalBoxFuture;
use std::marker::PhantomData;

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
/// session, 403 with the wrong role, and 403 when the second factor is
/// required (`MASTHEAD_STAFF_SECOND_FACTOR_REQUIRED`, on in production) and
/// this session did not prove it.
pub struct Staff<R: RequiredRole> {
    /// The staff member.
    pub member: AuthenticatedReader,
    /// The request's id (`X-Request-Id`), recorded in the audit log.
    pub request_id: Option<String>,
    role: PhantomData<R>,
}

impl<R: RequiredRole> Staff<R> {
    /// `member` as staff holding `R`, whatever credential identified them
    /// (a bearer token here, the console's session cookie in
    /// `pages::console`): 403 `insufficient_role` with the wrong role, 403
    /// `staff_second_factor_required` when `factor_required` and the
    /// session proved no second factor.
    pub fn checked(
        member: AuthenticatedReader,
        request_id: Option<String>,
        factor_required: bool,
    ) -> Result<Self, ApiError> {
        if !R::allows(member.role) {
            return Err(ApiError::forbidden(
                "insufficient_role",
                format!("this action needs the {} role", R::NAME),
            ));
        }
        if factor_required && member.second_factor_at.is_none() {
            return Err(ApiError::forbidden(
                "staff_second_factor_required",
                "staff actions need a session that proved a second factor: enrol one (POST /v1/me/second-factor), then log in with its code",
            ));
        }
        Ok(Self {
            member,
            request_id,
            role: PhantomData,
        })
    }

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
        Actor::Staff(self.member.reader_id.clone()).to_string()
    }

    /// An audit entry for `action` on `target` (its kind and id) by this
    /// staff member in this request, timed now; add the reader, reason and
    /// details, then record it in the transaction that makes the change.
    pub fn audit(&self, action: AuditAction, target: (&str, &str)) -> AuditEntry {
        AuditEntry {
            staff_id: self.member.reader_id.to_string(),
            staff_role: self.member.role,
            action,
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
        let factor_required = super::bearer::app_state(req)
            .map(|state| state.settings.staff_second_factor_required());
        Box::pin(async move { Self::checked(reader.await?, request_id, factor_required?) })
    }
}
