//! `POST /v1/auth/password-reset`: email a reset link, if the account exists.

use crate::auth::{Limited, issue_account_token};
use crate::db;
use crate::db::{DbConnection, readers::ReaderRow};
use crate::domain::{ReaderEmail, TokenPurpose};
use crate::error::{ApiError, Problem};
use crate::mail::messages;
use crate::routes::accepted::Accepted;
use crate::routes::extract::client_ip;
use crate::settings::Settings;
use crate::state::AppState;
use actix_web::{HttpRequest, HttpResponse, post, web};
use chrono::NaiveDateTime;
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
/// write transaction with one lookup; a known one adds an insert of a
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
    state
        .rate_limits
        .check(Limited::EmailRequest, client_ip(&req))?;
    let email = body
        .get("email")
        .and_then(serde_json::Value::as_str)
        .and_then(|raw| ReaderEmail::parse(raw.to_owned()).ok());
    let app = state.clone();
    let issued = state
        .db
        .run(move |conn| {
            let Some(email) = email else {
                return Ok(None);
            };
            db::write_transaction(conn, |conn| {
                let now = chrono::Utc::now().naive_utc();
                let reader = db::readers::find_by_email(conn, email.as_str())?;
                let Some(reader) = reader.filter(|r| r.disabled_at.is_none()) else {
                    return Ok(None);
                };
                let Some(token) = issue_reset_link(conn, &app.settings, &reader, now)? else {
                    return Ok(None);
                };
                Ok::<_, ApiError>(Some((reader, token)))
            })
        })
        .await?;
    if let Some((reader, token)) = issued {
        state.mailer.send(messages::password_reset(
            &state.settings,
            &reader.name,
            &reader.email,
            &token,
            state.settings.password_reset_ttl_minutes,
        ));
    }
    Ok(HttpResponse::Accepted().json(ACCEPTED))
}

/// Issues a reset link for `reader`, unless one was sent within
/// `MASTHEAD_VERIFICATION_RESEND_COOLDOWN_SECONDS` (then `None`: a mailbox
/// is not flooded). Shared with sign-up, which sends one to the mailbox of
/// an existing unverified account.
pub fn issue_reset_link(
    conn: &mut DbConnection,
    settings: &Settings,
    reader: &ReaderRow,
    now: NaiveDateTime,
) -> Result<Option<String>, ApiError> {
    let id = reader.reader_id();
    let cooldown = chrono::Duration::seconds(settings.verification_resend_cooldown_seconds);
    let last = db::account_tokens::last_issued_at(conn, &id, TokenPurpose::PasswordReset)?;
    if last.is_some_and(|last| now - last < cooldown) {
        return Ok(None);
    }
    Ok(Some(issue_account_token(
        conn,
        &id,
        TokenPurpose::PasswordReset,
        &reader.email,
        chrono::Duration::minutes(settings.password_reset_ttl_minutes),
        now,
    )?))
}
