//! `POST /v1/me/email`: move the account to a new address, once that
//! address is confirmed.

use crate::accounts::{MAX_PASSWORD_BYTES, guarded_check};
use crate::auth::{Limited, issue_account_token, verify_password};
use crate::db;
use crate::domain::FieldError;
use crate::domain::{ReaderEmail, TokenPurpose};
use crate::error::{ApiError, Problem};
use crate::mail::messages;
use crate::parse_fields;
use crate::routes::accepted::Accepted;
use crate::routes::auth::accounts;
use crate::routes::extract::AuthenticatedReader;
use crate::routes::extract::client_ip;
use crate::state::AppState;
use actix_web::{HttpRequest, HttpResponse, post, web};
use serde::Deserialize;
use utoipa::ToSchema;

/// The new address and the password that proves it is the owner asking.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ChangeEmailRequest {
    /// The address to move to.
    #[serde(default)]
    #[schema(required = true, example = "ada@new.example")]
    pub new_email: String,
    /// The password in use now.
    #[serde(default)]
    #[schema(required = true)]
    pub current_password: String,
}

fn email_taken() -> ApiError {
    ApiError::conflict("email_taken", "an account with this email already exists")
}

fn unchanged(new: &ReaderEmail, current: &str) -> Result<ReaderEmail, FieldError> {
    if new.as_str().eq_ignore_ascii_case(current) {
        return Err(FieldError::new(
            "unchanged",
            "this is already the account's address",
        ));
    }
    Ok(new.clone())
}

/// Emails a confirmation link (valid `MASTHEAD_VERIFICATION_TOKEN_TTL_HOURS`)
/// to the new address and a notice to the current one. The account keeps
/// its address until the link is used at `POST /v1/auth/verify-email`; a
/// stolen session alone cannot take the account, since the password is
/// required and the owner is told. The password check counts into the
/// login limits (per client address, and per email: see
/// `POST /v1/auth/login`), and the mail it sends into the email limit, so
/// this is neither a password oracle nor a way to send mail to anyone.
#[utoipa::path(
    tag = "me",
    security(("bearer" = [])),
    request_body = ChangeEmailRequest,
    responses(
        (status = 202, description = "A confirmation link was sent to the new address", body = Accepted),
        (status = 401, description = "No valid session", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The current password is wrong (`invalid_credentials`)", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Another account uses the new address (`email_taken`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The new address is invalid, or the account's own (`unchanged`)", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many attempts or emails from this client address (`rate_limited`), or too many failed password checks for the account (`too_many_failed_logins`); see `Retry-After`", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/v1/me/email")]
pub async fn change_email(
    state: web::Data<AppState>,
    reader: AuthenticatedReader,
    req: HttpRequest,
    body: web::Json<ChangeEmailRequest>,
) -> Result<HttpResponse, ApiError> {
    let ip = client_ip(&req);
    state.rate_limits.check(Limited::Login, ip)?;
    state.rate_limits.check(Limited::EmailRequest, ip)?;
    let body = body.into_inner();
    let current = reader.account.email.clone();
    parse_fields! {
        new_email = "new_email" => ReaderEmail::parse_deliverable(body.new_email, state.settings.is_production())
            .and_then(|new| unchanged(&new, &current)),
    }
    let password = body.current_password;
    let stored = reader.account.password_hash.clone();
    let (password_ok, ()) = guarded_check(
        &accounts(&state),
        &current,
        Some(&reader.account),
        ip,
        move || {
            let ok =
                password.len() <= MAX_PASSWORD_BYTES && verify_password(&password, Some(&stored));
            (ok, ())
        },
    )
    .await?;
    if !password_ok {
        return Err(ApiError::forbidden(
            "invalid_credentials",
            "the current password is incorrect",
        ));
    }
    let app = state.clone();
    let id = reader.reader_id.clone();
    let to = new_email.clone();
    let name = reader.account.name.clone();
    state
        .db
        .run(move |conn| {
            db::write_transaction(conn, |conn| {
                let now = chrono::Utc::now().naive_utc();
                if db::readers::find_by_email(conn, to.as_str())?.is_some() {
                    return Err(email_taken());
                }
                let hours = app.settings.verification_token_ttl_hours;
                let token = issue_account_token(
                    conn,
                    &id,
                    TokenPurpose::EmailChange,
                    to.as_str(),
                    chrono::Duration::hours(hours),
                    now,
                )?;
                crate::jobs::queue_email(
                    conn,
                    &messages::email_change(&app.settings, &name, to.as_str(), &token, hours),
                )?;
                crate::jobs::queue_email(
                    conn,
                    &messages::email_change_notice(&name, &current, to.as_str()),
                )?;
                Ok(())
            })
        })
        .await?;
    state.jobs.wake();
    Ok(HttpResponse::Accepted().json(Accepted {
        detail: "a confirmation link was sent to the new address; the address changes once it is used",
    }))
}
