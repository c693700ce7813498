//! `GET /v1/me/second-factor`: whether this staff member has a second
//! factor, how many recovery codes are left, and whether this session
//! proved it.

use crate::accounts::second_factor::second_factor_status;
use crate::error::{ApiError, Problem};
use crate::routes::auth::accounts;
use crate::routes::extract::AuthenticatedReader;
use crate::state::AppState;
use actix_web::{HttpResponse, get, web};
use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

/// A staff member's second factor.
#[derive(Debug, Serialize, ToSchema)]
pub struct SecondFactorView {
    /// Whether a factor is enrolled and confirmed.
    pub enrolled: bool,
    /// When it was confirmed.
    pub confirmed_at: Option<DateTime<Utc>>,
    /// Unused one-time recovery codes.
    pub recovery_codes_left: i64,
    /// Whether staff actions need a session that proved it (on in production).
    pub required: bool,
    /// Whether this session proved it (at login, or by confirming).
    pub this_session_verified: bool,
}

/// This staff member's second factor.
#[utoipa::path(
    tag = "me",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The second factor", body = SecondFactorView),
        (status = 401, description = "No valid session", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a staff account (`insufficient_role`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/v1/me/second-factor")]
pub async fn second_factor(
    state: web::Data<AppState>,
    member: AuthenticatedReader,
) -> Result<HttpResponse, ApiError> {
    if !member.role.is_staff() {
        return Err(ApiError::forbidden(
            "insufficient_role",
            "a second factor is for staff accounts",
        ));
    }
    let status = second_factor_status(&accounts(&state), member.reader_id.clone()).await?;
    Ok(HttpResponse::Ok().json(SecondFactorView {
        enrolled: status.confirmed_at.is_some(),
        confirmed_at: status.confirmed_at.map(|at| at.and_utc()),
        recovery_codes_left: status.recovery_codes_left,
        required: status.required,
        this_session_verified: member.second_factor_at.is_some(),
    }))
}
