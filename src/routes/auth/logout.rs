//! `POST /v1/auth/logout`: end the current session.

use crate::auth::AuthenticatedReader;
use crate::db;
use crate::error::{ApiError, Problem};
use crate::startup::AppState;
use actix_web::{HttpResponse, post, web};

/// Revokes the session of the access token: its refresh tokens stop working
/// and so does the access token itself.
#[utoipa::path(
    tag = "auth",
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Logged out"),
        (status = 401, description = "No valid session", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/v1/auth/logout")]
pub async fn logout(
    state: web::Data<AppState>,
    reader: AuthenticatedReader,
) -> Result<HttpResponse, ApiError> {
    state
        .db
        .run(move |conn| {
            let now = chrono::Utc::now().naive_utc();
            Ok(db::sessions::revoke(
                conn,
                reader.session_id.as_str(),
                "logout",
                now,
            )?)
        })
        .await?;
    state.cache.sessions_changed();
    Ok(HttpResponse::NoContent().finish())
}
