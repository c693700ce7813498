//! `POST /v1/auth/password-reset`: email a reset link, if the account exists.

use super::accounts;
use crate::accounts::request_password_reset as request_reset;
use crate::domain::ReaderEmail;
use crate::error::{ApiError, Problem};
use crate::routes::accepted::Accepted;
use crate::routes::extract::client_ip;
use crate::state::AppState;
use actix_web::{HttpRequest, HttpResponse, post, web};
use serde::Deserialize;
use utoipa::ToSchema;

/// Whose password to reset. The body is read as any JSON value (a missing
/// or non-string `email` is treated as an unknown address), so that only a
/// body that is not JSON at all answers anything but 202.
#[derive(Debug, Deserialize, ToSchema)]
pub struct PasswordResetRequest {
    /// The account's email.
    #[serde(default)]
    #[schema(required = true, example = "ada@example.com")]
    pub email: String,
}

/// The one answer, whatever the address.
const ACCEPTED: Accepted = Accepted {
    detail: "if an account uses this address, a link to reset its password is on its way",
};

/// Sends a single-use reset link (valid `MASTHEAD_PASSWORD_RESET_TTL_MINUTES`)
/// to the account's address. Answers 202 with the same body whether or not
/// the account exists, and for addresses that are not even valid, so the
/// endpoint cannot be used to find out who reads the magazine.
///
/// The work is kept alike too: a known and an unknown address both cost a
/// write with one lookup; a known one adds an insert of a
/// hashed token (under a millisecond). The email itself is sent in the
/// background (see [`crate::mail`]), so neither a slow mail server nor a
/// failure shows in the answer or its timing. At most one link per reader
/// per `MASTHEAD_VERIFICATION_RESEND_COOLDOWN_SECONDS`: further requests
/// inside it send nothing (and still answer 202), so the endpoint cannot
/// flood a mailbox.
#[utoipa::path(
    tag = "auth",
    request_body = PasswordResetRequest,
    responses(
        (status = 202, description = "Accepted; a link was emailed if the account exists", body = Accepted),
        (status = 400, description = "The body is not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many requests from this address (`rate_limited`); see `Retry-After`", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/v1/auth/password-reset")]
pub async fn request_password_reset(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: web::Json<serde_json::Value>,
) -> Result<HttpResponse, ApiError> {
    let email = body
        .get("email")
        .and_then(serde_json::Value::as_str)
        .and_then(|raw| ReaderEmail::parse(raw.to_owned()).ok());
    request_reset(&accounts(&state), email, client_ip(&req)).await?;
    Ok(HttpResponse::Accepted().json(ACCEPTED))
}
