//! `DELETE /v1/me/sessions/{id}`: ends one of the reader's sessions (a lost
//! phone, a shared computer); its tokens stop working at once.

use crate::db;
use crate::error::{ApiError, Problem};
use crate::routes::extract::AuthenticatedReader;
use crate::state::AppState;
use actix_web::{HttpResponse, delete, web};

/// Ends one session of the reader.
#[utoipa::path(
    tag = "me",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The session id, from `GET /v1/me/sessions`")),
    responses(
        (status = 204, description = "The session has ended"),
        (status = 401, description = "No valid session", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No live session of this reader has this id (`session_not_found`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/v1/me/sessions/{id}")]
pub async fn revoke_session(
    state: web::Data<AppState>,
    reader: AuthenticatedReader,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let (session, owner) = (id.into_inner(), reader.reader_id.clone());
    let ended = state
        .db
        .run(move |conn| {
            let now = chrono::Utc::now().naive_utc();
            Ok(db::sessions::revoke_own(
                conn,
                &owner,
                &session,
                "revoked_by_reader",
                now,
            )?)
        })
        .await?;
    if ended == 0 {
        return Err(ApiError::not_found(
            "session_not_found",
            "you have no live session with this id",
        ));
    }
    state.cache.sessions_changed();
    Ok(HttpResponse::NoContent().finish())
}
