//! `POST /v1/auth/signup`: create an account and log it in.

use super::{AuthResponse, auth_response, open_session};
use crate::auth::{Limited, hash_password, issue_account_token};
use crate::db::{self, readers::NewReader};
use crate::domain::{DisplayName, Password, ReaderEmail, ReaderId, Role, TokenPurpose};
use crate::error::{ApiError, Problem};
use crate::mail::messages;
use crate::parse_fields;
use crate::routes::{ClientInfo, client_ip};
use crate::startup::AppState;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, post, web};
use diesel::result::{DatabaseErrorKind, Error as DieselError};
use serde::Deserialize;
use utoipa::ToSchema;

/// A new account.
#[derive(Debug, Deserialize, ToSchema)]
pub struct SignupRequest {
    /// Email address; the domain is lower-cased.
    #[serde(default)]
    #[schema(example = "ada@example.com")]
    pub email: String,
    /// 8 to 128 characters, any characters; not one of the 10,000 most
    /// common passwords, not the email address.
    #[serde(default)]
    #[schema(example = "correct horse battery staple")]
    pub password: String,
    /// The name the magazine greets the reader by.
    #[serde(default)]
    #[schema(example = "Ada Lovelace")]
    pub name: String,
}

/// Creates a reader account and returns a logged-in session; emails a
/// link to verify the address (valid `MASTHEAD_VERIFICATION_TOKEN_TTL_HOURS`).
#[utoipa::path(
    tag = "auth",
    request_body = SignupRequest,
    responses(
        (status = 201, description = "Account created and logged in", body = AuthResponse),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The email is taken (`email_taken`)", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Body over 64 KiB", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields, each listed (a password `too_short`, `too_long`, `too_common` or `same_as_email`)", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many sign-ups from this address (`rate_limited`); see `Retry-After`", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/v1/auth/signup")]
pub async fn signup(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: web::Json<SignupRequest>,
) -> Result<HttpResponse, ApiError> {
    state.rate_limits.check(Limited::Signup, client_ip(&req))?;
    let body = body.into_inner();
    parse_fields! {
        email = "email" => ReaderEmail::parse(body.email),
        password = "password" => Password::parse_for(
            body.password,
            email.as_ref().ok().map(ReaderEmail::as_str),
        ),
        name = "name" => DisplayName::parse(body.name),
    }
    let hash = state
        .password_work
        .run(move || hash_password(&password))
        .await??;
    let client = ClientInfo::of(&req);
    let app = state.clone();
    let (reader, session, refresh, verification) = state
        .db
        .run(move |conn| {
            db::write_transaction(conn, |conn| {
                let now = chrono::Utc::now().naive_utc();
                let id = ReaderId::generate();
                db::readers::insert(
                    conn,
                    &NewReader {
                        id: id.as_str(),
                        email: email.as_str(),
                        password_hash: &hash,
                        name: name.as_str(),
                        role: Role::Reader.as_str(),
                        created_at: now,
                        updated_at: now,
                    },
                )
                .map_err(|error| match error {
                    DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, _) => {
                        ApiError::conflict(
                            "email_taken",
                            "an account with this email already exists",
                        )
                    }
                    other => other.into(),
                })?;
                let (session, refresh) = open_session(conn, &app.settings, &id, &client)?;
                let verification = issue_account_token(
                    conn,
                    &id,
                    TokenPurpose::VerifyEmail,
                    email.as_str(),
                    chrono::Duration::hours(app.settings.verification_token_ttl_hours),
                    now,
                )?;
                let reader = db::readers::find(conn, &id)?;
                Ok((reader, session, refresh, verification))
            })
        })
        .await?;
    state.mailer.send(messages::verify_email(
        &state.settings,
        &reader.name,
        &reader.email,
        &verification,
        state.settings.verification_token_ttl_hours,
    ));
    auth_response(&state, StatusCode::CREATED, reader, &session, refresh).await
}
