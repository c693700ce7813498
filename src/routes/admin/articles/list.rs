//! `GET /v1/admin/articles`: every article, drafts included, newest
//! publication date first, paged, optionally of one issue; `audio=missing`
//! keeps the published ones without audio (with `MASTHEAD_NARRATOR=none`,
//! the ones waiting for an editor's recording).

use super::AdminArticleView;
use crate::db::{self, articles::ArticleFilter};
use crate::domain::{FieldError, Paging};
use crate::error::{ApiError, Problem};
use crate::routes::extract::{EditorRole, Staff};
use crate::routes::page::{Listed, Page};
use crate::state::AppState;
use actix_web::{HttpResponse, get, web};
use serde::Deserialize;
use utoipa::IntoParams;

/// Paging and filtering.
#[derive(Debug, Default, Deserialize, IntoParams)]
pub struct AdminListArticlesQuery {
    /// Only articles of this issue.
    pub issue: Option<i32>,
    /// `missing`: only published articles without audio.
    pub audio: Option<String>,
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

/// Whether `audio` asks for published articles without audio.
fn without_audio(audio: Option<&str>) -> Result<bool, FieldError> {
    match audio {
        None => Ok(false),
        Some("missing") => Ok(true),
        Some(_) => Err(FieldError::new(
            "invalid_choice",
            "audio is `missing` (published articles without audio)",
        )),
    }
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
        (status = 422, description = "Paging out of range, or `audio` is not `missing`", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("")]
pub async fn list_articles(
    state: web::Data<AppState>,
    _editor: Staff<EditorRole>,
    query: web::Query<AdminListArticlesQuery>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(article_page(&state, &query).await?))
}

/// A page of articles for `query`: the one path of this endpoint and the
/// staff console.
pub async fn article_page(
    state: &AppState,
    query: &AdminListArticlesQuery,
) -> Result<Page<AdminArticleView>, ApiError> {
    let paging = Paging::parse(query.page, query.per_page).map_err(ApiError::Validation)?;
    let filter = ArticleFilter {
        issue_number: query.issue,
        published_without_audio: without_audio(query.audio.as_deref())
            .map_err(|error| ApiError::invalid_field(error.at("audio")))?,
    };
    let (articles, total) = state
        .db
        .run(move |conn| Ok(db::articles::list_all(conn, filter, paging)?))
        .await?;
    Ok(Page::new(
        paging,
        articles.into_iter().map(AdminArticleView::from).collect(),
        total,
    ))
}
