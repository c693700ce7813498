//! `DELETE /v1/me/sessions`: log out everywhere, this session included.

use crate::db;
use crate::error::{ApiError, Problem};
use crate::routes::extract::AuthenticatedReader;
use crate::state::AppState;
use actix_web::{HttpResponse, delete, web};

/// Ends every session of the reader.
#[utoipa::path(
    tag = "me",
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Every session has ended"),
        (status = 401, description = "No valid session", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/v1/me/sessions")]
pub async fn revoke_all_sessions(
    state: web::Data<AppState>,
    reader: AuthenticatedReader,
) -> Result<HttpResponse, ApiError> {
    let owner = reader.reader_id.clone();
    state
        .db
        .run(move |conn| {
            let now = chrono::Utc::now().naive_utc();
            Ok(db::sessions::revoke_all_except(
                conn,
                &owner,
                None,
                "logout_everywhere",
                now,
            )?)
        })
        .await?;
    state.cache.sessions_changed();
    Ok(HttpResponse::NoContent().finish())
}
