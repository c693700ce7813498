//! `GET /v1/admin/articles`: every article, drafts included, newest
//! publication date first, paged, optionally of one issue.

use super::AdminArticleView;
use crate::db;
use crate::error::{ApiError, Problem};
use crate::routes::articles::list::paging;
use crate::routes::extract::{EditorRole, Staff};
use crate::state::AppState;
use actix_web::{HttpResponse, get, web};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// Paging and filtering.
#[derive(Debug, Deserialize, IntoParams)]
pub struct AdminListArticlesQuery {
    /// Only articles of this issue.
    pub issue: Option<i32>,
    /// Page number, from 1.
    pub page: Option<i64>,
    /// Articles per page, 1 to 100 (default 20).
    pub per_page: Option<i64>,
}

/// A page of articles as editors see them.
#[derive(Debug, Serialize, ToSchema)]
pub struct AdminArticleList {
    /// The articles of this page.
    pub items: Vec<AdminArticleView>,
    /// This page's number.
    pub page: i64,
    /// Page size.
    pub per_page: i64,
    /// Articles in all pages.
    pub total: i64,
}

/// Lists every article.
#[utoipa::path(
    tag = "admin",
    operation_id = "admin_list_articles",
    security(("bearer" = [])),
    params(AdminListArticlesQuery),
    responses(
        (status = 200, description = "A page of articles", body = AdminArticleList),
        (status = 400, description = "Unparseable query", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid session", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an editor (`insufficient_role`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Paging out of range", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("")]
pub async fn list_articles(
    state: web::Data<AppState>,
    _editor: Staff<EditorRole>,
    query: web::Query<AdminListArticlesQuery>,
) -> Result<HttpResponse, ApiError> {
    let (page, per_page) = paging(query.page, query.per_page)?;
    let offset = (page - 1).saturating_mul(per_page);
    let issue = query.issue;
    let (articles, total) = state
        .db
        .run(move |conn| Ok(db::articles::list_all(conn, issue, per_page, offset)?))
        .await?;
    Ok(HttpResponse::Ok().json(AdminArticleList {
        items: articles.into_iter().map(AdminArticleView::from).collect(),
        page,
        per_page,
        total,
    }))
}
