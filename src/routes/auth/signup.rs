//! `POST /v1/auth/signup`: create an account and log it in.

use super::password_reset::issue_reset_link;
use super::{AuthResponse, auth_response, open_session};
use crate::auth::{Limited, hash_password, issue_account_token};
use crate::db::{self, readers::NewReader, readers::ReaderRow};
use crate::domain::{DisplayName, Password, ReaderEmail, ReaderId, Role, SessionId, TokenPurpose};
use crate::error::{ApiError, Problem};
use crate::mail::messages;
use crate::parse_fields;
use crate::routes::extract::{ClientInfo, client_ip};
use crate::state::AppState;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, post, web};
use diesel::result::{DatabaseErrorKind, Error as DieselError};
use serde::Deserialize;
use utoipa::ToSchema;

/// What the sign-up transaction did.
enum Created {
    /// A new account: the reader, its session, refresh token and the
    /// verification token to mail.
    New(Box<(ReaderRow, SessionId, String, String)>),
    /// The address was taken; for an unverified account, the reset link
    /// to mail its address's owner.
    Taken(Option<Box<(ReaderRow, String)>>),
}

fn email_taken() -> ApiError {
    ApiError::conflict("email_taken", "an account with this email already exists")
}

/// For an address taken by an account that never verified it (and is not
/// disabled): a reset link for the mailbox, unless one went out within the
/// cooldown.
fn reclaim_link(
    conn: &mut db::DbConnection,
    settings: &crate::settings::Settings,
    existing: ReaderRow,
    now: chrono::NaiveDateTime,
) -> Result<Option<Box<(ReaderRow, String)>>, ApiError> {
    if existing.email_verified_at.is_some() || existing.disabled_at.is_some() {
        return Ok(None);
    }
    let token = issue_reset_link(conn, settings, &existing, now)?;
    Ok(token.map(|token| Box::new((existing, token))))
}

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
    body: web::Json<SignupRequest>,
) -> Result<HttpResponse, ApiError> {
    let ip = client_ip(&req);
    state.rate_limits.check(Limited::Signup, ip)?;
    // It sends mail (a verification link, or a reset link to the owner of
    // an unverified address): it shares the email limit.
    state.rate_limits.check(Limited::EmailRequest, ip)?;
    let body = body.into_inner();
    parse_fields! {
        email = "email" => ReaderEmail::parse_deliverable(body.email, state.settings.is_production()),
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
    let outcome = state
        .db
        .run(move |conn| {
            db::write_transaction(conn, |conn| {
                let now = chrono::Utc::now().naive_utc();
                if let Some(existing) = db::readers::find_by_email(conn, email.as_str())? {
                    return Ok(Created::Taken(reclaim_link(
                        conn,
                        &app.settings,
                        existing,
                        now,
                    )?));
                }
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
                        email_taken()
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
                Ok(Created::New(Box::new((
                    reader,
                    session,
                    refresh,
                    verification,
                ))))
            })
        })
        .await?;
    let (reader, session, refresh, verification) = match outcome {
        Created::New(created) => *created,
        Created::Taken(reclaim) => {
            if let Some((owner, token)) = reclaim.map(|boxed| *boxed) {
                state.mailer.send(messages::password_reset(
                    &state.settings,
                    &owner.name,
                    &owner.email,
                    &token,
                    state.settings.password_reset_ttl_minutes,
                ));
            }
            return Err(email_taken());
        }
    };
    state.mailer.send(messages::verify_email(
        &state.settings,
        &reader.name,
        &reader.email,
        &verification,
        state.settings.verification_token_ttl_hours,
    ));
    auth_response(&state, StatusCode::CREATED, reader, &session, refresh).await
}
