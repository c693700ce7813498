//! `DELETE /v1/me/sessions`: log out everywhere, this session included.

use crate::accounts::sessions::revoke_all_sessions as revoke_all;
use crate::error::{ApiError, Problem};
use crate::routes::auth::accounts;
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
    revoke_all(&accounts(&state), reader.reader_id.clone()).await?;
    Ok(HttpResponse::NoContent().finish())
}
