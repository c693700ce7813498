//! `POST /v1/auth/verify-email/resend`: send a fresh verification link.

use crate::auth::{Limited, issue_account_token};
use crate::db;
use crate::domain::TokenPurpose;
use crate::error::{ApiError, Problem};
use crate::mail::messages;
use crate::routes::accepted::Accepted;
use crate::routes::extract::AuthenticatedReader;
use crate::routes::extract::client_ip;
use crate::state::AppState;
use actix_web::{HttpRequest, HttpResponse, post, web};

fn already_verified() -> ApiError {
    ApiError::conflict("already_verified", "this email address is already verified")
}

/// Emails the logged-in reader a new verification link (earlier links keep
/// working until they expire). At most one per
/// `MASTHEAD_VERIFICATION_RESEND_COOLDOWN_SECONDS`, counted from the last
/// link sent as stored in the database, so the limit holds across
/// instances; the reader's row is locked meanwhile, so two concurrent
/// requests cannot both pass.
#[utoipa::path(
    tag = "auth",
    security(("bearer" = [])),
    responses(
        (status = 202, description = "A new link is on its way", body = Accepted),
        (status = 401, description = "No valid session", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The address is verified already (`already_verified`)", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "A link was sent too recently (`verification_recently_sent`) or too many from this address (`rate_limited`); `Retry-After` says when to ask again", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/v1/auth/verify-email/resend")]
pub async fn resend_verification(
    state: web::Data<AppState>,
    reader: AuthenticatedReader,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    state
        .rate_limits
        .check(Limited::EmailRequest, client_ip(&req))?;
    if reader.account.email_verified_at.is_some() {
        return Err(already_verified());
    }
    let app = state.clone();
    let id = reader.reader_id.clone();
    state
        .db
        .run(move |conn| {
            db::write_transaction(conn, |conn| {
                let now = chrono::Utc::now().naive_utc();
                db::readers::lock(conn, &id)?;
                let account = db::readers::find(conn, &id)?;
                if account.email_verified_at.is_some() {
                    return Err(already_verified());
                }
                let cooldown = app.settings.verification_resend_cooldown_seconds;
                let last =
                    db::account_tokens::last_issued_at(conn, &id, TokenPurpose::VerifyEmail)?;
                if let Some(wait_ms) = last
                    .map(|last| cooldown * 1000 - (now - last).num_milliseconds())
                    .filter(|wait_ms| *wait_ms > 0)
                {
                    let seconds = u64::try_from((wait_ms + 999) / 1000).unwrap_or(1);
                    return Err(ApiError::too_many_requests(
                        "verification_recently_sent",
                        format!(
                            "a verification email was sent moments ago; ask again in {seconds} s"
                        ),
                        seconds,
                    ));
                }
                let hours = app.settings.verification_token_ttl_hours;
                let token = issue_account_token(
                    conn,
                    &id,
                    TokenPurpose::VerifyEmail,
                    &account.email,
                    chrono::Duration::hours(hours),
                    now,
                )?;
                crate::jobs::queue_email(
                    conn,
                    &messages::verify_email(
                        &app.settings,
                        &account.name,
                        &account.email,
                        &token,
                        hours,
                    ),
                )?;
                Ok(())
            })
        })
        .await?;
    state.jobs.wake();
    Ok(HttpResponse::Accepted().json(Accepted {
        detail: "a new verification link is on its way",
    }))
}
