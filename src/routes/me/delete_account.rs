//! `DELETE /v1/me`: the reader leaves. Renewals stop (the period already
//! paid for is not taken back), every session ends, and the personal data
//! is erased; payment records stay, with the anonymised account.

use crate::accounts::delete_account as delete;
use crate::error::{ApiError, Problem};
use crate::routes::auth::accounts;
use crate::routes::extract::AuthenticatedReader;
use crate::routes::extract::client_ip;
use crate::state::AppState;
use actix_web::{HttpRequest, HttpResponse, delete, web};
use serde::Deserialize;
use utoipa::ToSchema;

/// The password, so a stolen session cannot delete the account.
#[derive(Debug, Deserialize, ToSchema)]
pub struct DeleteAccountRequest {
    /// The account's password.
    #[serde(default)]
    #[schema(required = true)]
    pub password: String,
}

/// Deletes the reader's account. The password check counts into the login
/// limits; every outstanding account token is spent.
#[utoipa::path(
    tag = "me",
    security(("bearer" = [])),
    request_body = DeleteAccountRequest,
    responses(
        (status = 204, description = "Deleted: sessions ended, renewals stopped, personal data erased"),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid session", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The password is wrong (`wrong_password`)", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many attempts from this client address (`rate_limited`), or too many failed password checks for the account (`too_many_failed_logins`); see `Retry-After`", body = Problem, content_type = "application/problem+json"),
        (status = 502, description = "The payment provider refused to stop a renewal; nothing was deleted", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "The payment provider is unavailable; nothing was deleted", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/v1/me")]
pub async fn delete_account(
    state: web::Data<AppState>,
    reader: AuthenticatedReader,
    req: HttpRequest,
    body: web::Json<DeleteAccountRequest>,
) -> Result<HttpResponse, ApiError> {
    let password = body.into_inner().password;
    let ip = client_ip(&req);
    delete(
        &accounts(&state),
        &state.payments,
        &reader.account,
        password,
        ip,
    )
    .await?;
    Ok(HttpResponse::NoContent().finish())
}
