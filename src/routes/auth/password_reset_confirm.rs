//! `POST /v1/auth/password-reset/confirm`: set a new password with the
//! token from a reset email.

use super::accounts;
use crate::accounts::confirm_password_reset as confirm_reset;
use crate::error::{ApiError, Problem};
use crate::state::AppState;
use actix_web::{HttpResponse, post, web};
use serde::Deserialize;
use utoipa::ToSchema;

/// The token from the reset email and the new password.
#[derive(Debug, Deserialize, ToSchema)]
pub struct PasswordResetConfirmRequest {
    /// The `token` query parameter of the reset link.
    #[serde(default)]
    #[schema(required = true)]
    pub token: String,
    /// 8 to 128 characters, not a common password, not the email.
    #[serde(default)]
    #[schema(required = true)]
    pub new_password: String,
}

/// Sets the new password, ends every session of the reader (whoever knew
/// the old password is logged out), spends this token and every other
/// outstanding account token of the reader (reset, verification, a
/// pending email change), lifts the login lock on the account, and emails
/// a notice. The token
/// is checked before the password, and spent only when the password is
/// accepted, so a rejected password does not cost the reader their link.
/// Only reset tokens are accepted: refresh and access tokens live
/// elsewhere and are refused like any unknown token.
#[utoipa::path(
    tag = "auth",
    request_body = PasswordResetConfirmRequest,
    responses(
        (status = 204, description = "Password changed, every session ended"),
        (status = 400, description = "Malformed JSON, or a token unknown, used, expired or of another kind (`invalid_or_expired_token`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "No token, or the new password is not acceptable (`too_short`, `too_long`, `too_common`, `same_as_email`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/v1/auth/password-reset/confirm")]
pub async fn confirm_password_reset(
    state: web::Data<AppState>,
    body: web::Json<PasswordResetConfirmRequest>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    confirm_reset(&accounts(&state), body.token, body.new_password).await?;
    Ok(HttpResponse::NoContent().finish())
}
