//! `POST /v1/auth/login`: exchange email and password for a session.

use super::{AuthResponse, auth_response, open_session};
use crate::auth::verify_password;
use crate::db;
use crate::domain::ReaderEmail;
use crate::error::{ApiError, FieldError, Problem};
use crate::routes::ClientInfo;
use crate::startup::AppState;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, post, web};
use serde::Deserialize;
use utoipa::ToSchema;

/// Credentials.
#[derive(Debug, Deserialize, ToSchema)]
pub struct LoginRequest {
    /// The account's email.
    #[serde(default)]
    #[schema(example = "ada@example.com")]
    pub email: String,
    /// The account's password.
    #[serde(default)]
    #[schema(example = "correct horse battery staple")]
    pub password: String,
}

/// Longest password we will spend a hash on; longer cannot be a valid one.
const MAX_PASSWORD_BYTES: usize = 1024;

fn invalid_credentials() -> ApiError {
    ApiError::unauthenticated("invalid_credentials", "the email or password is incorrect")
}

/// Logs a reader in. A wrong password and an unknown email get the same
/// status and body after the same amount of work.
#[utoipa::path(
    tag = "auth",
    request_body = LoginRequest,
    responses(
        (status = 200, description = "Logged in", body = AuthResponse),
        (status = 401, description = "Wrong email or password (`invalid_credentials`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Missing fields", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/v1/auth/login")]
pub async fn login(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: web::Json<LoginRequest>,
) -> Result<HttpResponse, ApiError> {
    let LoginRequest { email, password } = body.into_inner();
    let mut missing = Vec::new();
    if email.trim().is_empty() {
        missing.push(FieldError::new("required", "an email address is required").at("email"));
    }
    if password.is_empty() {
        missing.push(FieldError::new("required", "a password is required").at("password"));
    }
    if !missing.is_empty() {
        return Err(ApiError::Validation(missing));
    }
    let reader = match ReaderEmail::parse(email) {
        Ok(email) => {
            state
                .db
                .run(move |conn| Ok(db::readers::find_by_email(conn, email.as_str())?))
                .await?
        }
        Err(_) => None,
    };
    let stored = reader.as_ref().map(|r| r.password_hash.clone());
    let password_ok = password.len() <= MAX_PASSWORD_BYTES
        && state
            .password_work
            .run(move || verify_password(&password, stored.as_deref()))
            .await?;
    let reader = match reader {
        Some(reader) if password_ok && reader.disabled_at.is_none() => reader,
        _ => return Err(invalid_credentials()),
    };
    let client = ClientInfo::of(&req);
    let app = state.clone();
    let reader_id = reader.reader_id();
    let (session, refresh) = state
        .db
        .run(move |conn| {
            db::write_transaction(conn, |conn| {
                open_session(conn, &app.settings, &reader_id, &client)
            })
        })
        .await?;
    auth_response(&state, StatusCode::OK, reader, &session, refresh).await
}
