//! `GET /v1/me`: the reader's profile.

use crate::auth::AuthenticatedReader;
use crate::error::Problem;
use crate::routes::ReaderView;
use actix_web::{HttpResponse, get};

/// The logged-in reader's profile (read in the same query that checked the
/// session, so this costs one database round trip).
#[utoipa::path(
    tag = "me",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The profile", body = ReaderView),
        (status = 401, description = "No valid session", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/v1/me")]
pub async fn get_me(reader: AuthenticatedReader) -> HttpResponse {
    HttpResponse::Ok().json(ReaderView::from(reader.account))
}
