//! `GET /v1/articles`: published articles, newest first, paged, optionally
//! of one issue, each with the gate's answer for this visitor.

use super::ArticleSummary;
use crate::db;
use crate::domain::Paging;
use crate::error::{ApiError, Problem};
use crate::routes::extract::{MeterCredential, Visitor};
use crate::routes::gate::Gate;
use crate::routes::page::{Listed, Page};
use crate::state::AppState;
use actix_web::{HttpResponse, get, web};
use serde::Deserialize;
use utoipa::IntoParams;

/// Paging and filtering.
#[derive(Debug, Deserialize, IntoParams)]
pub struct ListArticlesQuery {
    /// Only articles of this issue.
    pub issue: Option<i32>,
    /// Page number, from 1.
    pub page: Option<i64>,
    /// Articles per page, 1 to 100 (default 20).
    pub per_page: Option<i64>,
}

impl Listed for ArticleSummary {
    const LIST: &'static str = "ArticleList";
    const PLURAL: &'static str = "articles";
}

/// A page of articles (its schema keeps this name).
pub type ArticleList = Page<ArticleSummary>;

/// Lists published articles.
#[utoipa::path(
    tag = "articles",
    params(ListArticlesQuery),
    security((), ("bearer" = [])),
    responses(
        (status = 200, description = "A page of articles", body = ArticleList),
        (status = 401, description = "A token was sent but is invalid, expired or its session revoked", body = Problem, content_type = "application/problem+json"),
        (status = 400, description = "Unparseable query", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Paging out of range", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/v1/articles")]
pub async fn list_articles(
    state: web::Data<AppState>,
    visitor: Visitor,
    meter: MeterCredential,
    query: web::Query<ListArticlesQuery>,
) -> Result<HttpResponse, ApiError> {
    let paging = Paging::parse(query.page, query.per_page).map_err(ApiError::Validation)?;
    let issue = query.issue;
    let (articles, total) = state
        .db
        .run(move |conn| Ok(db::catalogue::published_articles(conn, issue, paging)?))
        .await?;
    let gate = Gate::for_visitor(&state, &visitor)
        .await?
        .with_meter(&state, &visitor, &meter)
        .await?;
    let items: Vec<ArticleSummary> = articles
        .iter()
        .map(|a| ArticleSummary::new(a, gate.article(a)))
        .collect();
    let mut response = HttpResponse::Ok();
    if items.iter().any(|item| item.access.meter.is_some()) {
        super::mark_private(&mut response);
    }
    Ok(response.json(Page::new(paging, items, total)))
}
