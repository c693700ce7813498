//! `GET /v1/admin/articles`: every article, drafts included, newest
//! publication date first, paged, optionally of one issue.

use super::AdminArticleView;
use crate::db;
use crate::domain::Paging;
use crate::error::{ApiError, Problem};
use crate::routes::extract::{EditorRole, Staff};
use crate::routes::page::{Listed, Page};
use crate::state::AppState;
use actix_web::{HttpResponse, get, web};
use serde::Deserialize;
use utoipa::IntoParams;

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

impl Listed for AdminArticleView {
    const LIST: &'static str = "AdminArticleList";
    const PLURAL: &'static str = "articles";
}

/// A page of articles (its schema keeps this name).
pub type AdminArticleList = Page<AdminArticleView>;

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
    let paging = Paging::parse(query.page, query.per_page).map_err(ApiError::Validation)?;
    let issue = query.issue;
    let (articles, total) = state
        .db
        .run(move |conn| Ok(db::articles::list_all(conn, issue, paging)?))
        .await?;
    Ok(HttpResponse::Ok().json(Page::new(
        paging,
        articles.into_iter().map(AdminArticleView::from).collect(),
        total,
    )))
}
