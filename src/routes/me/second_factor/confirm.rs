//! `POST /v1/me/second-factor/confirm`: the password and a first code
//! confirm the enrolment; the recovery codes are shown this once.

use crate::accounts::second_factor::{Confirmation, confirm_enrolment};
use crate::error::{ApiError, Problem};
use crate::routes::auth::accounts;
use crate::routes::extract::{AuthenticatedReader, client_ip};
use crate::state::AppState;
use actix_web::{HttpRequest, HttpResponse, post, web};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The password and the code the app shows now.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ConfirmSecondFactorRequest {
    /// The account's password.
    #[serde(default)]
    #[schema(required = true)]
    pub password: String,
    /// The six-digit code.
    #[serde(default)]
    #[schema(required = true, example = "123456")]
    pub code: String,
}

/// The recovery codes: each logs in once in place of a code. Shown only now.
#[derive(Debug, Serialize, ToSchema)]
pub struct RecoveryCodes {
    /// Ten one-time codes.
    pub recovery_codes: Vec<String>,
}

/// Confirms the enrolment. This session then counts as having proved the
/// factor; every other session of the account ends.
#[utoipa::path(
    tag = "me",
    security(("bearer" = [])),
    request_body = ConfirmSecondFactorRequest,
    responses(
        (status = 200, description = "Confirmed", body = RecoveryCodes),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid session, or a wrong or expired code (`invalid_second_factor`)", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a staff account (`insufficient_role`) or a wrong password (`wrong_password`)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No enrolment started (`second_factor_not_started`)", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Already confirmed (`second_factor_already_enrolled`)", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many attempts (`rate_limited`, `too_many_failed_logins`); see `Retry-After`", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/v1/me/second-factor/confirm")]
pub async fn confirm_second_factor(
    state: web::Data<AppState>,
    member: AuthenticatedReader,
    req: HttpRequest,
    body: web::Json<ConfirmSecondFactorRequest>,
) -> Result<HttpResponse, ApiError> {
    let ConfirmSecondFactorRequest { password, code } = body.into_inner();
    let confirmation = Confirmation {
        password,
        code,
        session: member.session_id.clone(),
        ip: client_ip(&req),
    };
    let confirmed = confirm_enrolment(&accounts(&state), &member.account, confirmation).await?;
    Ok(HttpResponse::Ok().json(RecoveryCodes {
        recovery_codes: confirmed.recovery_codes,
    }))
}
