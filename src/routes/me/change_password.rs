//! `POST /v1/me/password`: change the password, ending every other session.

use crate::accounts::{MAX_PASSWORD_BYTES, guarded_check};
use crate::auth::{Limited, end_outstanding_tokens, hash_password, verify_password};
use crate::db;
use crate::domain::Password;
use crate::error::{ApiError, Problem};
use crate::parse_fields;
use crate::routes::auth::accounts;
use crate::routes::extract::AuthenticatedReader;
use crate::routes::extract::client_ip;
use crate::state::AppState;
use actix_web::{HttpRequest, HttpResponse, post, web};
use serde::Deserialize;
use utoipa::ToSchema;

/// The current and the new password.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ChangePasswordRequest {
    /// The password in use now.
    #[serde(default)]
    #[schema(required = true)]
    pub current_password: String,
    /// 8 to 128 characters; not a common password, not the email.
    #[serde(default)]
    #[schema(required = true)]
    pub new_password: String,
}

/// Sets a new password. Every other session of the reader is revoked; the
/// one making the change stays logged in. Every outstanding account token
/// (verification, reset, a pending email change) is spent. The check of
/// the current password counts into the login limits.
#[utoipa::path(
    tag = "me",
    security(("bearer" = [])),
    request_body = ChangePasswordRequest,
    responses(
        (status = 204, description = "Password changed, other sessions ended"),
        (status = 401, description = "No valid session", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The current password is wrong (`wrong_password`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The new password is not acceptable (`too_short`, `too_long`, `too_common`, `same_as_email`)", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many attempts from this client address (`rate_limited`), or too many failed password checks for the account (`too_many_failed_logins`); see `Retry-After`", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/v1/me/password")]
pub async fn change_password(
    state: web::Data<AppState>,
    reader: AuthenticatedReader,
    req: HttpRequest,
    body: web::Json<ChangePasswordRequest>,
) -> Result<HttpResponse, ApiError> {
    let ip = client_ip(&req);
    state.rate_limits.check(Limited::Login, ip)?;
    let body = body.into_inner();
    parse_fields! {
        new_password = "new_password" => Password::parse_for(body.new_password, Some(&reader.account.email)),
    }
    let id = reader.reader_id.clone();
    let row = state
        .db
        .run(move |conn| Ok(db::readers::find(conn, &id)?))
        .await?;
    let current = body.current_password;
    let email = row.email.clone();
    let account = row.clone();
    let (ok, hash) = guarded_check(&accounts(&state), &email, Some(&account), ip, move || {
        let ok = current.len() <= MAX_PASSWORD_BYTES
            && verify_password(&current, Some(&row.password_hash));
        (ok, ok.then(|| hash_password(&new_password)))
    })
    .await?;
    let Some(hash) = hash.filter(|_| ok) else {
        return Err(ApiError::forbidden(
            "wrong_password",
            "the current password is incorrect",
        ));
    };
    let hash = hash?;
    state
        .db
        .run(move |conn| {
            db::write_transaction(conn, |conn| {
                let now = chrono::Utc::now().naive_utc();
                db::readers::set_password_hash(conn, &reader.reader_id, &hash, now)?;
                // A link sent before (a parked email change above all)
                // must not outlive the old password.
                end_outstanding_tokens(conn, &reader.reader_id, now)?;
                db::sessions::revoke_all_except(
                    conn,
                    &reader.reader_id,
                    Some(&reader.session_id),
                    "password_changed",
                    now,
                )?;
                Ok(())
            })
        })
        .await?;
    state.cache.sessions_changed();
    Ok(HttpResponse::NoContent().finish())
}
