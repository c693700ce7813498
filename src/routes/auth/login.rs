//! `POST /v1/auth/login`: exchange email and password for a session.

use super::password_check::{MAX_PASSWORD_BYTES, guarded_check, measured};
use super::{AuthResponse, auth_response, open_session};
use crate::auth::{Limited, needs_rehash, rehash_password, verify_password};
use crate::db;
use crate::db::readers::ReaderRow;
use crate::domain::FieldError;
use crate::domain::ReaderEmail;
use crate::error::{ApiError, Problem};
use crate::routes::extract::{ClientInfo, client_ip};
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
}

fn invalid_credentials() -> ApiError {
    ApiError::unauthenticated("invalid_credentials", "the email or password is incorrect")
}

/// Logs a reader in. A wrong password and an unknown email get the same
/// status and body after the same amount of work; so do a locked account
/// and a locked unknown address (429 `too_many_failed_logins`: the limits
/// count the address asked for, whether or not an account uses it; see
/// `auth::login_guard` for the policy).
#[utoipa::path(
    tag = "auth",
    request_body = LoginRequest,
    responses(
        (status = 200, description = "Logged in", body = AuthResponse),
        (status = 401, description = "Wrong email or password (`invalid_credentials`)", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The right password for a disabled account (`account_disabled`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Missing fields", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many attempts from this client address (`rate_limited`), or too many failed password checks within the hour for this email from this client address or from everywhere (`too_many_failed_logins`, alike for an unknown email); see `Retry-After`", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/v1/auth/login")]
pub async fn login(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: web::Json<LoginRequest>,
) -> Result<HttpResponse, ApiError> {
    let outcome = attempt(state.clone(), req, body).await;
    state.metrics.logins.observe(&outcome);
    outcome
}

/// The login itself; [`login`] counts what it answered.
async fn attempt(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: web::Json<LoginRequest>,
) -> Result<HttpResponse, ApiError> {
    state.rate_limits.check(Limited::Login, client_ip(&req))?;
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
    let email = ReaderEmail::parse(email).ok();
    let email_key = email.as_ref().map(|e| e.as_str().to_owned());
    let reader = match email {
        Some(email) => {
            state
                .db
                .run(move |conn| Ok(db::readers::find_by_email(conn, email.as_str())?))
                .await?
        }
        None => None,
    };
    let subject = reader.as_ref().map(|r| r.email.clone()).or(email_key);
    let stored = reader.as_ref().map(|r| r.password_hash.clone());
    let (password_ok, upgraded) = if let Some(subject) = subject {
        guarded_check(
            &state,
            &subject,
            reader.as_ref(),
            client_ip(&req),
            move || {
                if password.len() > MAX_PASSWORD_BYTES {
                    return (false, None);
                }
                verify_and_upgrade(&password, stored.as_deref())
            },
        )
        .await?
    } else {
        // Not an address at all: no account can be guessed at, but the
        // answer costs the same work.
        measured(&state, move || verify_and_upgrade(&password, None)).await?
    };
    let reader = match reader {
        Some(reader) if password_ok => reader,
        _ => return Err(invalid_credentials()),
    };
    // Said only to whoever proved the password, so it reveals nothing to
    // anyone guessing.
    if reader.disabled_at.is_some() {
        return Err(ApiError::forbidden(
            "account_disabled",
            "this account is disabled; contact support",
        ));
    }
    if let Some(upgraded) = upgraded {
        store_upgraded_hash(&state, &reader, upgraded).await;
    }
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

/// Verifies the password and, when it is right but the stored hash is an
/// imported or outdated one, hashes it again with the current argon2id
/// parameters in the same lane (the plaintext exists only now). A wrong
/// password or an unknown account never pays for the second hash.
fn verify_and_upgrade(password: &str, stored: Option<&str>) -> (bool, Option<String>) {
    let ok = verify_password(password, stored);
    let upgraded = stored
        .filter(|stored| ok && needs_rehash(stored))
        .and_then(|_| match rehash_password(password) {
            Ok(hash) => Some(hash),
            Err(error) => {
                tracing::warn!(error = %error, "could not upgrade a password hash");
                None
            }
        });
    (ok, upgraded)
}

/// Replaces the reader's old hash with the upgraded one. The login does not
/// depend on it: a failure is logged and the next login tries again.
async fn store_upgraded_hash(state: &AppState, reader: &ReaderRow, upgraded: String) {
    let id = reader.reader_id();
    let old = reader.password_hash.clone();
    let stored = state
        .db
        .run(move |conn| {
            let now = chrono::Utc::now().naive_utc();
            Ok(db::imported_readers::upgrade_password_hash(
                conn, &id, &old, &upgraded, now,
            )?)
        })
        .await;
    match stored {
        Ok(true) => tracing::info!(reader = %reader.id, "upgraded the password hash to argon2id"),
        Ok(false) => {
            tracing::info!(reader = %reader.id, "password changed meanwhile; hash not upgraded");
        }
        Err(error) => {
            tracing::warn!(reader = %reader.id, error = %error, "could not store an upgraded password hash");
        }
    }
}
