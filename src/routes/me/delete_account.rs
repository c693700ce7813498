//! `DELETE /v1/me`: the reader leaves. Renewals stop (the period already
//! paid for is not taken back), every session ends, and the personal data
//! is erased; payment records stay, with the anonymised account.

use crate::accounts::{MAX_PASSWORD_BYTES, guarded_check};
use crate::auth::{Limited, end_outstanding_tokens, unusable_password_hash, verify_password};
use crate::billing;
use crate::db;
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
    let ip = client_ip(&req);
    state.rate_limits.check(Limited::Login, ip)?;
    let password = body.into_inner().password;
    let stored = reader.account.password_hash.clone();
    let email = reader.account.email.clone();
    let (ok, ()) = guarded_check(
        &accounts(&state),
        &email,
        Some(&reader.account),
        ip,
        move || {
            let ok =
                password.len() <= MAX_PASSWORD_BYTES && verify_password(&password, Some(&stored));
            (ok, ())
        },
    )
    .await?;
    if !ok {
        return Err(ApiError::forbidden(
            "wrong_password",
            "the password is incorrect",
        ));
    }
    billing::stop_renewals_for_departure(&state.db, &state.payments, &reader.reader_id).await?;
    let id = reader.reader_id.clone();
    state
        .db
        .run(move |conn| {
            let now = chrono::Utc::now().naive_utc();
            db::write_transaction(conn, |conn| {
                db::readers::anonymise(conn, &id, &unusable_password_hash(), now)?;
                db::sessions::revoke_all_except(conn, &id, None, "account_deleted", now)?;
                end_outstanding_tokens(conn, &id, now)?;
                Ok(())
            })
        })
        .await?;
    state.cache.sessions_changed();
    state.cache.subscriptions_changed(&reader.reader_id);
    Ok(HttpResponse::NoContent().finish())
}
