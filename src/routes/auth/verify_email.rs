//! `POST /v1/auth/verify-email`: use the token from a verification (or
//! email change) message.

use super::invalid_token::{invalid_or_expired_token, token_required};
use crate::auth::{account_token_hash, end_outstanding_tokens, token_still_honoured};
use crate::db;
use crate::domain::TokenPurpose;
use crate::error::{ApiError, Problem};
use crate::state::AppState;
use actix_web::{HttpResponse, post, web};
use diesel::result::{DatabaseErrorKind, Error as DieselError};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Why the sessions open before the first verification ended, as stored.
const REVOKED_BY_FIRST_VERIFICATION: &str = "email_verified";

/// The token from the email's link.
#[derive(Debug, Deserialize, ToSchema)]
pub struct VerifyEmailRequest {
    /// The `token` query parameter of the link.
    #[serde(default)]
    #[schema(required = true)]
    pub token: String,
}

/// The address now verified.
#[derive(Debug, Serialize, ToSchema)]
pub struct VerifiedEmail {
    /// The account's address (for an email change: the new one).
    pub email: String,
    /// Always `true`.
    pub email_verified: bool,
}

/// Spends the token and verifies the address it was sent to. No session
/// is needed: the link may be opened on another device. An email-change
/// token also moves the account to its new address, and spends every
/// other outstanding token (links sent to the old address stop working).
///
/// A token is refused (like an unknown one) when the account is disabled
/// or deleted, or when it was issued before the account's last credential
/// change (a password reset or change): a link parked before the owner
/// recovered the account cannot undo the recovery. The first verification
/// of an account's address proves who holds the mailbox, so it ends every
/// session and spends every pending link made before it: whoever signed up
/// with someone else's address loses what they held (OWASP on
/// pre-account-takeover); the owner logs in again.
#[utoipa::path(
    tag = "auth",
    request_body = VerifyEmailRequest,
    responses(
        (status = 200, description = "The address is verified", body = VerifiedEmail),
        (status = 400, description = "Malformed JSON, or a token unknown, used, expired, of another kind, issued before the last password change, or for a disabled or deleted account (`invalid_or_expired_token`)", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Another account took the new address meanwhile (`email_taken`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "No token sent", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/v1/auth/verify-email")]
pub async fn verify_email(
    state: web::Data<AppState>,
    body: web::Json<VerifyEmailRequest>,
) -> Result<HttpResponse, ApiError> {
    let presented = body.into_inner().token;
    if presented.trim().is_empty() {
        return Err(token_required());
    }
    let hash = account_token_hash(&presented);
    let (email, first_verification) = state
        .db
        .run(move |conn| {
            db::write_transaction(conn, |conn| {
                let now = chrono::Utc::now().naive_utc();
                let purposes = [TokenPurpose::VerifyEmail, TokenPurpose::EmailChange];
                let Some(token) = db::account_tokens::claim(conn, &hash, &purposes, now)? else {
                    return Err(invalid_or_expired_token());
                };
                let reader = token.reader_id();
                let account = db::readers::find(conn, &reader)?;
                if !token_still_honoured(&account, token.created_at) {
                    return Err(invalid_or_expired_token());
                }
                if token.purpose == TokenPurpose::EmailChange {
                    db::readers::change_email(conn, &reader, &token.email, now).map_err(
                        |error| match error {
                            DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, _) => {
                                ApiError::conflict(
                                    "email_taken",
                                    "an account with this email already exists",
                                )
                            }
                            other => other.into(),
                        },
                    )?;
                    db::account_tokens::spend_all(conn, &reader, now)?;
                    return Ok((token.email, false));
                }
                if !db::readers::mark_email_verified(conn, &reader, &token.email, now)? {
                    // The account has moved to another address since.
                    return Err(invalid_or_expired_token());
                }
                let first = account.email_verified_at.is_none();
                if first {
                    end_outstanding_tokens(conn, &reader, now)?;
                    db::sessions::revoke_all_except(
                        conn,
                        &reader,
                        None,
                        REVOKED_BY_FIRST_VERIFICATION,
                        now,
                    )?;
                }
                Ok((token.email, first))
            })
        })
        .await?;
    if first_verification {
        state.cache.sessions_changed();
    }
    Ok(HttpResponse::Ok().json(VerifiedEmail {
        email,
        email_verified: true,
    }))
}
