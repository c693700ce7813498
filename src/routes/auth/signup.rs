//! `POST /v1/auth/signup`: create an account and log it in.

use super::{AuthResponse, accounts, auth_response};
use crate::accounts::{NewSignup, signup as sign_up, signup::check_limits};
use crate::domain::{DisplayName, Password, ReaderEmail};
use crate::error::{ApiError, Problem};
use crate::parse_fields;
use crate::routes::extract::{MeterCredential, client_of};
use crate::state::AppState;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, post, web};
use serde::Deserialize;
use utoipa::ToSchema;

/// A new account.
#[derive(Debug, Deserialize, ToSchema)]
pub struct SignupRequest {
    /// Email address; the domain is lower-cased.
    #[serde(default)]
    #[schema(required = true, example = "ada@example.com")]
    pub email: String,
    /// 8 to 128 characters, any characters; not one of the 10,000 most
    /// common passwords, not the email address.
    #[serde(default)]
    #[schema(required = true, example = "correct horse battery staple")]
    pub password: String,
    /// The name the magazine greets the reader by.
    #[serde(default)]
    #[schema(required = true, example = "Ada Lovelace")]
    pub name: String,
}

/// Creates a reader account and returns a logged-in session; emails a
/// link to verify the address (valid `MASTHEAD_VERIFICATION_TOKEN_TTL_HOURS`).
///
/// An address already in use answers 409 `email_taken`. When the account
/// using it has never verified it, whoever signed up may not own the
/// mailbox (pre-account-takeover): its owner, who is now trying to sign
/// up, is emailed a password-reset link (at most one per resend cooldown).
/// Using it logs out everyone, spends every pending change, verifies the
/// address and hands them the account.
#[utoipa::path(
    tag = "auth",
    request_body = SignupRequest,
    responses(
        (status = 201, description = "Account created and logged in", body = AuthResponse),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The email is taken (`email_taken`); if its account never verified it, the address is sent a reset link", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Body over 64 KiB", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields, each listed (a password `too_short`, `too_long`, `too_common` or `same_as_email`)", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many sign-ups, or emails (it sends one; the email limit is shared), from this client address (`rate_limited`); see `Retry-After`", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/v1/auth/signup")]
pub async fn signup(
    state: web::Data<AppState>,
    req: HttpRequest,
    meter: MeterCredential,
    body: web::Json<SignupRequest>,
) -> Result<HttpResponse, ApiError> {
    let accounts = accounts(&state);
    let client = client_of(&req);
    // Counted before the fields are judged, so invalid bodies count too.
    check_limits(&accounts, &client)?;
    let body = body.into_inner();
    parse_fields! {
        email = "email" => ReaderEmail::parse_deliverable(body.email, state.settings.is_production()),
        password = "password" => Password::parse_for(
            body.password,
            email.as_ref().ok().map(ReaderEmail::as_str),
        ),
        name = "name" => DisplayName::parse(body.name),
    }
    let new = NewSignup {
        email,
        password,
        name,
    };
    let (reader, session, refresh) = sign_up(&accounts, new, client).await?.into_result()?;
    super::carry_meter(&state, &meter, &reader.reader_id()).await;
    auth_response(&state, StatusCode::CREATED, reader, &session, refresh).await
}
