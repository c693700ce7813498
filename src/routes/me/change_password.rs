//! `POST /v1/me/password`: change the password, ending every other session.

use crate::accounts::{PasswordChange, change_password as change};
use crate::error::{ApiError, Problem};
use crate::routes::auth::accounts;
use crate::routes::extract::AuthenticatedReader;
use crate::routes::extract::client_ip;
use crate::state::AppState;
use actix_web::{HttpRequest, HttpResponse, post, web};
use serde::Deserialize;
use utoipa::ToSchema;

/// The current and the new password.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ChangePasswordRequest {
    /// The password in use now.
    #[serde(default)]
    #[schema(required = true)]
    pub current_password: String,
    /// 8 to 128 characters; not a common password, not the email.
    #[serde(default)]
    #[schema(required = true)]
    pub new_password: String,
}

/// Sets a new password. Every other session of the reader is revoked; the
/// one making the change stays logged in. Every outstanding account token
/// (verification, reset, a pending email change) is spent. The check of
/// the current password counts into the login limits.
#[utoipa::path(
    tag = "me",
    security(("bearer" = [])),
    request_body = ChangePasswordRequest,
    responses(
        (status = 204, description = "Password changed, other sessions ended"),
        (status = 401, description = "No valid session", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The current password is wrong (`wrong_password`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The new password is not acceptable (`too_short`, `too_long`, `too_common`, `same_as_email`)", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many attempts from this client address (`rate_limited`), or too many failed password checks for the account (`too_many_failed_logins`); see `Retry-After`", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/v1/me/password")]
pub async fn change_password(
    state: web::Data<AppState>,
    reader: AuthenticatedReader,
    req: HttpRequest,
    body: web::Json<ChangePasswordRequest>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let who = PasswordChange {
        reader: &reader.reader_id,
        session: &reader.session_id,
        email: &reader.account.email,
        ip: client_ip(&req),
    };
    change(
        &accounts(&state),
        who,
        body.current_password,
        body.new_password,
    )
    .await?;
    Ok(HttpResponse::NoContent().finish())
}
