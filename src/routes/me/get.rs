//! `GET /v1/me`: the reader's profile.

use crate::auth::AuthenticatedReader;
use crate::db;
use crate::error::{ApiError, Problem};
use crate::routes::ReaderView;
use crate::startup::AppState;
use actix_web::{HttpResponse, get, web};

/// The logged-in reader's profile.
#[utoipa::path(
    tag = "me",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The profile", body = ReaderView),
        (status = 401, description = "No valid session", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/v1/me")]
pub async fn get_me(
    state: web::Data<AppState>,
    reader: AuthenticatedReader,
) -> Result<HttpResponse, ApiError> {
    let row = state
        .db
        .run(move |conn| Ok(db::readers::find(conn, &reader.reader_id)?))
        .await?;
    Ok(HttpResponse::Ok().json(ReaderView::from(row)))
}
