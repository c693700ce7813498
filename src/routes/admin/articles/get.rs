//! `GET /v1/admin/articles/{slug}`: one article, published or not, with
//! its full text.

use super::{AdminArticleView, article_not_found, path_slug};
use crate::db;
use crate::error::{ApiError, Problem};
use crate::routes::extract::{EditorRole, Staff};
use crate::state::AppState;
use actix_web::{HttpResponse, get, web};

/// Shows one article as editors see it.
#[utoipa::path(
    tag = "admin",
    operation_id = "admin_get_article",
    security(("bearer" = [])),
    params(("slug" = String, Path, description = "The article's slug")),
    responses(
        (status = 200, description = "The article", body = AdminArticleView),
        (status = 401, description = "No valid session", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an editor (`insufficient_role`)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such article (`article_not_found`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/{slug}")]
pub async fn get_article(
    state: web::Data<AppState>,
    _editor: Staff<EditorRole>,
    slug: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(article_view(&state, slug.into_inner()).await?))
}

/// Article `slug`, draft or not: the one path of this endpoint and the
/// staff console.
pub async fn article_view(state: &AppState, slug: String) -> Result<AdminArticleView, ApiError> {
    let slug = path_slug(slug)?;
    let article = state
        .db
        .run(move |conn| Ok(db::articles::find_by_slug(conn, slug.as_str())?))
        .await?
        .ok_or_else(article_not_found)?;
    Ok(AdminArticleView::from(article))
}
