//! `POST /v1/admin/articles/{slug}/unpublish`: takes the article off the
//! public catalogue. Unpublishing an unpublished article changes nothing.

use super::{AdminArticleView, path_slug};
use crate::catalogue::unpublish_article::unpublish_article as unpublish;
use crate::domain::AuditAction;
use crate::error::{ApiError, Problem};
use crate::routes::extract::{EditorRole, Staff};
use crate::state::AppState;
use actix_web::{HttpResponse, post, web};

/// Unpublishes an article.
#[utoipa::path(
    tag = "admin",
    security(("bearer" = [])),
    params(("slug" = String, Path, description = "The article's slug")),
    responses(
        (status = 200, description = "The unpublished article", body = AdminArticleView),
        (status = 401, description = "No valid session", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an editor (`insufficient_role`)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such article (`article_not_found`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/{slug}/unpublish")]
pub async fn unpublish_article(
    state: web::Data<AppState>,
    editor: Staff<EditorRole>,
    slug: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let article = unpublish_article_as(&state, &editor, slug.into_inner()).await?;
    Ok(HttpResponse::Ok().json(article))
}

/// Unpublishes article `slug` for `editor`: the one path of this endpoint and
/// the staff console.
pub async fn unpublish_article_as(
    state: &AppState,
    editor: &Staff<EditorRole>,
    slug: String,
) -> Result<AdminArticleView, ApiError> {
    let slug = path_slug(slug)?;
    let audit = editor.audit(AuditAction::ArticleUnpublished, ("article", slug.as_str()));
    let article = unpublish(&state.db, &state.cache, audit, slug).await?;
    Ok(AdminArticleView::from(article))
}
