//! `DELETE /v1/me/sessions/{id}`: ends one of the reader's sessions (a lost
//! phone, a shared computer); its tokens stop working at once.

use crate::accounts::sessions::revoke_own_session;
use crate::error::{ApiError, Problem};
use crate::routes::auth::accounts;
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
    let accounts = accounts(&state);
    revoke_own_session(&accounts, reader.reader_id.clone(), id.into_inner()).await?;
    Ok(HttpResponse::NoContent().finish())
}
