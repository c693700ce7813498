//! `POST /v1/auth/verify-email/resend`: send a fresh verification link.

use super::accounts;
use crate::accounts::resend_verification as resend;
use crate::error::{ApiError, Problem};
use crate::routes::accepted::Accepted;
use crate::routes::extract::AuthenticatedReader;
use crate::routes::extract::client_ip;
use crate::state::AppState;
use actix_web::{HttpRequest, HttpResponse, post, web};

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
    let verified = reader.account.email_verified_at.is_some();
    resend(
        &accounts(&state),
        reader.reader_id.clone(),
        verified,
        client_ip(&req),
    )
    .await?;
    Ok(HttpResponse::Accepted().json(Accepted {
        detail: "a new verification link is on its way",
    }))
}
