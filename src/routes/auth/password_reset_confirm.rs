//! `POST /v1/auth/password-reset/confirm`: set a new password with the
//! token from a reset email.

use super::invalid_token::{invalid_or_expired_token, token_required};
use crate::auth::{
    account_token_hash, end_outstanding_tokens, hash_password, token_still_honoured, unlock_logins,
};
use crate::db;
use crate::domain::{Password, TokenPurpose};
use crate::error::{ApiError, Problem};
use crate::mail::messages;
use crate::parse_fields;
use crate::state::AppState;
use actix_web::{HttpResponse, post, web};
use serde::Deserialize;
use utoipa::ToSchema;

/// The token from the reset email and the new password.
#[derive(Debug, Deserialize, ToSchema)]
pub struct PasswordResetConfirmRequest {
    /// The `token` query parameter of the reset link.
    #[serde(default)]
    #[schema(required = true)]
    pub token: String,
    /// 8 to 128 characters, not a common password, not the email.
    #[serde(default)]
    #[schema(required = true)]
    pub new_password: String,
}

/// Sets the new password, ends every session of the reader (whoever knew
/// the old password is logged out), spends this token and every other
/// outstanding account token of the reader (reset, verification, a
/// pending email change), lifts the login lock on the account, and emails
/// a notice. The token
/// is checked before the password, and spent only when the password is
/// accepted, so a rejected password does not cost the reader their link.
/// Only reset tokens are accepted: refresh and access tokens live
/// elsewhere and are refused like any unknown token.
#[utoipa::path(
    tag = "auth",
    request_body = PasswordResetConfirmRequest,
    responses(
        (status = 204, description = "Password changed, every session ended"),
        (status = 400, description = "Malformed JSON, or a token unknown, used, expired or of another kind (`invalid_or_expired_token`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "No token, or the new password is not acceptable (`too_short`, `too_long`, `too_common`, `same_as_email`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/v1/auth/password-reset/confirm")]
pub async fn confirm_password_reset(
    state: web::Data<AppState>,
    body: web::Json<PasswordResetConfirmRequest>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    if body.token.trim().is_empty() {
        return Err(token_required());
    }
    let hash = account_token_hash(&body.token);
    let lookup = hash.clone();
    let reader = state
        .db
        .run(move |conn| {
            let now = chrono::Utc::now().naive_utc();
            let purposes = [TokenPurpose::PasswordReset];
            let Some(token) = db::account_tokens::find_usable(conn, &lookup, &purposes, now)?
            else {
                return Ok(None);
            };
            let reader = db::readers::find(conn, &token.reader_id())?;
            Ok(reader.disabled_at.is_none().then_some(reader))
        })
        .await?
        .ok_or_else(invalid_or_expired_token)?;
    parse_fields! {
        new_password = "new_password" => Password::parse_for(body.new_password, Some(&reader.email)),
    }
    let password_hash = state
        .password_work
        .run(move || hash_password(&new_password))
        .await??;
    let id = reader.reader_id();
    let email = reader.email.clone();
    let name = reader.name.clone();
    state
        .db
        .run(move |conn| {
            db::write_transaction(conn, |conn| {
                let now = chrono::Utc::now().naive_utc();
                let purposes = [TokenPurpose::PasswordReset];
                let Some(token) = db::account_tokens::claim(conn, &hash, &purposes, now)? else {
                    return Err(invalid_or_expired_token());
                };
                if !token_still_honoured(&db::readers::find(conn, &id)?, token.created_at) {
                    return Err(invalid_or_expired_token());
                }
                db::readers::set_password_hash(conn, &id, &password_hash, now)?;
                db::sessions::revoke_all_except(conn, &id, None, "password_reset", now)?;
                // Whoever can read the reader's mail is the reader: a reset
                // lifts a lock that failed guesses put on the account.
                unlock_logins(conn, &email)?;
                // Every other link (a parked email change above all) dies
                // with the old password: the mailbox owner now holds the
                // account, whoever held it before.
                end_outstanding_tokens(conn, &id, now)?;
                // The link reached this mailbox: that verifies it, if the
                // account still uses it.
                db::readers::mark_email_verified(conn, &id, &token.email, now)?;
                crate::jobs::queue_email(conn, &messages::password_changed(&name, &email))?;
                Ok(())
            })
        })
        .await?;
    state.cache.sessions_changed();
    state.jobs.wake();
    Ok(HttpResponse::NoContent().finish())
}
