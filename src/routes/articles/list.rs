//! `GET /v1/articles`: published articles, newest first, paged, optionally
//! of one issue, each with the gate's answer for this visitor.

use super::ArticleSummary;
use crate::db;
use crate::domain::FieldError;
use crate::error::{ApiError, Problem};
use crate::routes::extract::Visitor;
use crate::routes::gate::Gate;
use crate::state::AppState;
use actix_web::{HttpResponse, get, web};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

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

/// A page of articles.
#[derive(Debug, Serialize, ToSchema)]
pub struct ArticleList {
    /// The articles of this page.
    pub items: Vec<ArticleSummary>,
    /// This page's number.
    pub page: i64,
    /// Page size.
    pub per_page: i64,
    /// Articles in all pages.
    pub total: i64,
}

/// Checks paging parameters: page >= 1, 1 <= per_page <= 100.
pub fn paging(page: Option<i64>, per_page: Option<i64>) -> Result<(i64, i64), ApiError> {
    let (page, per_page) = (page.unwrap_or(1), per_page.unwrap_or(20));
    let mut errors = Vec::new();
    if page < 1 {
        errors.push(FieldError::new("out_of_range", "page starts at 1").at("page"));
    }
    if !(1..=100).contains(&per_page) {
        errors
            .push(FieldError::new("out_of_range", "per_page is between 1 and 100").at("per_page"));
    }
    if errors.is_empty() {
        Ok((page, per_page))
    } else {
        Err(ApiError::Validation(errors))
    }
}

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
    query: web::Query<ListArticlesQuery>,
) -> Result<HttpResponse, ApiError> {
    let (page, per_page) = paging(query.page, query.per_page)?;
    let issue = query.issue;
    let (articles, total) = state
        .db
        .run(move |conn| {
            Ok(db::catalogue::published_articles(
                conn,
                issue,
                per_page,
                (page - 1).saturating_mul(per_page),
            )?)
        })
        .await?;
    let gate = Gate::for_visitor(&state, &visitor).await?;
    let items = articles
        .iter()
        .map(|a| ArticleSummary::new(a, gate.article(a)))
        .collect();
    Ok(HttpResponse::Ok().json(ArticleList {
        items,
        page,
        per_page,
        total,
    }))
}
