//! `POST /v1/me/password`: change the password, ending every other session.

use crate::auth::{AuthenticatedReader, hash_password, verify_password};
use crate::db;
use crate::domain::Password;
use crate::error::{ApiError, Problem};
use crate::parse_fields;
use crate::startup::AppState;
use actix_web::{HttpResponse, post, web};
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
/// one making the change stays logged in.
#[utoipa::path(
    tag = "me",
    security(("bearer" = [])),
    request_body = ChangePasswordRequest,
    responses(
        (status = 204, description = "Password changed, other sessions ended"),
        (status = 401, description = "No valid session", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The current password is wrong (`wrong_password`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The new password is not acceptable (`too_short`, `too_long`, `too_common`, `same_as_email`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/v1/me/password")]
pub async fn change_password(
    state: web::Data<AppState>,
    reader: AuthenticatedReader,
    body: web::Json<ChangePasswordRequest>,
) -> Result<HttpResponse, ApiError> {
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
    let (ok, hash) = state
        .password_work
        .run(move || {
            let ok = verify_password(&current, Some(&row.password_hash));
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
