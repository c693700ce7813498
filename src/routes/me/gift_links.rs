//! `GET /v1/me/gift-links`: the gift links the reader made, newest first,
//! with how often each was opened and whether it still works.

use crate::catalogue::gift_links::list::{GiftLinkEntry, gift_links_of};
use crate::domain::Paging;
use crate::error::{ApiError, Problem};
use crate::routes::extract::AuthenticatedReader;
use crate::routes::page::{Listed, Page};
use crate::state::AppState;
use actix_web::{HttpResponse, get, web};
use serde::Deserialize;
use utoipa::IntoParams;

/// Paging.
#[derive(Debug, Deserialize, IntoParams)]
pub struct GiftLinksQuery {
    /// Page number, from 1.
    pub page: Option<i64>,
    /// Links per page, 1 to 100 (default 20).
    pub per_page: Option<i64>,
}

impl Listed for GiftLinkEntry {
    const LIST: &'static str = "GiftLinkList";
    const PLURAL: &'static str = "gift links";
}

/// A page of gift links (its schema's name).
pub type GiftLinkList = Page<GiftLinkEntry>;

/// Lists the reader's gift links.
#[utoipa::path(
    tag = "me",
    params(GiftLinksQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "A page of the reader's gift links, newest first", body = GiftLinkList),
        (status = 401, description = "No valid session", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Paging out of range", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/v1/me/gift-links")]
pub async fn my_gift_links(
    state: web::Data<AppState>,
    reader: AuthenticatedReader,
    query: web::Query<GiftLinksQuery>,
) -> Result<HttpResponse, ApiError> {
    let paging = Paging::parse(query.page, query.per_page).map_err(ApiError::Validation)?;
    let (items, total) = gift_links_of(&state.db, reader.reader_id.clone(), paging).await?;
    Ok(HttpResponse::Ok().json(Page::new(paging, items, total)))
}
