//! `POST /v1/me/second-factor`: starts an enrolment and shows the secret
//! once, as text and as the `otpauth://` address an app scans.

use crate::accounts::second_factor::start_enrolment;
use crate::error::{ApiError, Problem};
use crate::routes::auth::accounts;
use crate::routes::extract::AuthenticatedReader;
use crate::state::AppState;
use actix_web::{HttpResponse, post, web};
use serde::Serialize;
use utoipa::ToSchema;

/// What to put into an authenticator app (RFC 6238: SHA-1, 6 digits, 30 s).
#[derive(Debug, Serialize, ToSchema)]
pub struct SecondFactorEnrolment {
    /// The shared secret, RFC 4648 base32, for typing in.
    #[schema(example = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")]
    pub secret: String,
    /// The same as an `otpauth://totp/...` address, for a QR code.
    pub otpauth_uri: String,
}

/// Starts enrolling a second factor (again, while it is unconfirmed: the
/// earlier secret stops counting). Confirm it with
/// `POST /v1/me/second-factor/confirm`.
#[utoipa::path(
    tag = "me",
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Started: put the secret into an app, then confirm", body = SecondFactorEnrolment),
        (status = 401, description = "No valid session", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a staff account (`insufficient_role`)", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "A second factor is already enrolled (`second_factor_already_enrolled`); an admin resets it", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/v1/me/second-factor")]
pub async fn start_second_factor(
    state: web::Data<AppState>,
    member: AuthenticatedReader,
) -> Result<HttpResponse, ApiError> {
    let enrolment = start_enrolment(&accounts(&state), &member.account).await?;
    Ok(HttpResponse::Created().json(SecondFactorEnrolment {
        secret: enrolment.secret,
        otpauth_uri: enrolment.otpauth_uri,
    }))
}
