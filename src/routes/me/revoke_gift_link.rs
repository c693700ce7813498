//! `DELETE /v1/me/gift-links/{token}`: the giver ends one of their gift
//! links; it opens nothing from now on. Idempotent.

use crate::catalogue::gift_links::revoke::revoke_gift_link as revoke;
use crate::error::{ApiError, Problem};
use crate::routes::extract::AuthenticatedReader;
use crate::state::AppState;
use actix_web::{HttpResponse, delete, web};

/// Revokes one of the reader's gift links.
#[utoipa::path(
    tag = "me",
    security(("bearer" = [])),
    params(("token" = String, Path, description = "The link's token, or its `id` from `GET /v1/me/gift-links`")),
    responses(
        (status = 204, description = "The link is revoked (also when it was already)"),
        (status = 401, description = "No valid session", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "The reader made no such link (`gift_link_not_found`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/v1/me/gift-links/{token}")]
pub async fn revoke_gift_link(
    state: web::Data<AppState>,
    reader: AuthenticatedReader,
    token: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    revoke(&state.db, reader.reader_id.clone(), token.into_inner()).await?;
    Ok(HttpResponse::NoContent().finish())
}
