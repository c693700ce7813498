//! `POST /v1/me/email`: move the account to a new address, once that
//! address is confirmed.

use crate::accounts::request_email_change;
use crate::error::{ApiError, Problem};
use crate::routes::accepted::Accepted;
use crate::routes::auth::accounts;
use crate::routes::extract::AuthenticatedReader;
use crate::routes::extract::client_ip;
use crate::state::AppState;
use actix_web::{HttpRequest, HttpResponse, post, web};
use serde::Deserialize;
use utoipa::ToSchema;

/// The new address and the password that proves it is the owner asking.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ChangeEmailRequest {
    /// The address to move to.
    #[serde(default)]
    #[schema(required = true, example = "ada@new.example")]
    pub new_email: String,
    /// The password in use now.
    #[serde(default)]
    #[schema(required = true)]
    pub current_password: String,
}

/// Emails a confirmation link (valid `MASTHEAD_VERIFICATION_TOKEN_TTL_HOURS`)
/// to the new address and a notice to the current one. The account keeps
/// its address until the link is used at `POST /v1/auth/verify-email`; a
/// stolen session alone cannot take the account, since the password is
/// required and the owner is told. The password check counts into the
/// login limits (per client address, and per email: see
/// `POST /v1/auth/login`), and the mail it sends into the email limit, so
/// this is neither a password oracle nor a way to send mail to anyone.
#[utoipa::path(
    tag = "me",
    security(("bearer" = [])),
    request_body = ChangeEmailRequest,
    responses(
        (status = 202, description = "A confirmation link was sent to the new address", body = Accepted),
        (status = 401, description = "No valid session", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The current password is wrong (`invalid_credentials`)", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Another account uses the new address (`email_taken`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The new address is invalid, or the account's own (`unchanged`)", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many attempts or emails from this client address (`rate_limited`), or too many failed password checks for the account (`too_many_failed_logins`); see `Retry-After`", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/v1/me/email")]
pub async fn change_email(
    state: web::Data<AppState>,
    reader: AuthenticatedReader,
    req: HttpRequest,
    body: web::Json<ChangeEmailRequest>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let ip = client_ip(&req);
    let accounts = accounts(&state);
    request_email_change(
        &accounts,
        &reader.account,
        body.new_email,
        body.current_password,
        ip,
    )
    .await?;
    Ok(HttpResponse::Accepted().json(Accepted {
        detail: "a confirmation link was sent to the new address; the address changes once it is used",
    }))
}
