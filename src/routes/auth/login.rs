//! `POST /v1/auth/login`: exchange email and password for a session.

use super::{AuthResponse, accounts, respond_with_reader, tokens_with};
use crate::accounts::{Credentials, login as log_in};
use crate::error::{ApiError, Problem};
use crate::routes::extract::{MeterCredential, client_of};
use crate::state::AppState;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, post, web};
use serde::Deserialize;
use utoipa::ToSchema;

/// Credentials.
#[derive(Debug, Deserialize, ToSchema)]
pub struct LoginRequest {
    /// The account's email.
    #[serde(default)]
    #[schema(required = true, example = "ada@example.com")]
    pub email: String,
    /// The account's password.
    #[serde(default)]
    #[schema(required = true, example = "correct horse battery staple")]
    pub password: String,
    /// Staff with a second factor: the six-digit code the app shows, or
    /// one of the recovery codes. Readers leave it out.
    #[serde(default)]
    #[schema(example = "123456")]
    pub second_factor: Option<String>,
}

/// Logs a reader in. A wrong password and an unknown email get the same
/// status and body after the same amount of work; so do a locked account
/// and a locked unknown address (429 `too_many_failed_logins`: the limits
/// count the address asked for, whether or not an account uses it; see
/// `auth::login_guard` for the policy; `accounts::login` for the rules).
#[utoipa::path(
    tag = "auth",
    request_body = LoginRequest,
    responses(
        (status = 200, description = "Logged in", body = AuthResponse),
        (status = 401, description = "Wrong email or password (`invalid_credentials`); a staff account with a second factor and no `second_factor` (`second_factor_required`) or a wrong, expired or used one (`invalid_second_factor`)", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The right password for a disabled account (`account_disabled`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Missing fields", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many attempts from this client address (`rate_limited`), or too many failed password checks within the hour for this email from this client address or from everywhere (`too_many_failed_logins`, alike for an unknown email); see `Retry-After`", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/v1/auth/login")]
pub async fn login(
    state: web::Data<AppState>,
    req: HttpRequest,
    meter: MeterCredential,
    body: web::Json<LoginRequest>,
) -> Result<HttpResponse, ApiError> {
    let LoginRequest {
        email,
        password,
        second_factor,
    } = body.into_inner();
    let credentials = Credentials {
        email,
        password,
        second_factor,
    };
    let logged_in = log_in(&accounts(&state), credentials, client_of(&req))
        .await?
        .into_result()?;
    let reader = logged_in.reader;
    super::carry_meter(&state, &meter, &reader.reader_id()).await;
    let issued = tokens_with(
        &state,
        &reader.reader_id(),
        &logged_in.session,
        reader.role(),
        logged_in.refresh_token,
        &logged_in.snapshots,
    )?;
    Ok(respond_with_reader(&state, StatusCode::OK, reader, issued))
}
