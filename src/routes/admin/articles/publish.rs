//! `POST /v1/admin/articles/{slug}/publish`: readers can see the article
//! from now on (once its issue, if any, is published too). Publishing again
//! changes nothing, so a retried request is harmless. With a narrator
//! configured, an article without a recording is queued for narration.

use super::{AdminArticleView, path_slug};
use crate::catalogue::publish_article::publish_article as publish;
use crate::domain::AuditAction;
use crate::error::{ApiError, Problem};
use crate::routes::extract::{EditorRole, Staff};
use crate::state::AppState;
use actix_web::{HttpResponse, post, web};

/// Publishes an article.
#[utoipa::path(
    tag = "admin",
    security(("bearer" = [])),
    params(("slug" = String, Path, description = "The article's slug")),
    responses(
        (status = 200, description = "The published article", body = AdminArticleView),
        (status = 401, description = "No valid session", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an editor (`insufficient_role`)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such article (`article_not_found`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/{slug}/publish")]
pub async fn publish_article(
    state: web::Data<AppState>,
    editor: Staff<EditorRole>,
    slug: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let article = publish_article_as(&state, &editor, slug.into_inner()).await?;
    Ok(HttpResponse::Ok().json(article))
}

/// Publishes article `slug` for `editor`: the one path of this endpoint and
/// the staff console.
pub async fn publish_article_as(
    state: &AppState,
    editor: &Staff<EditorRole>,
    slug: String,
) -> Result<AdminArticleView, ApiError> {
    let slug = path_slug(slug)?;
    let audit = editor.audit(AuditAction::ArticlePublished, ("article", slug.as_str()));
    let article = publish(&state.db, &state.cache, &state.narration, audit, slug).await?;
    Ok(AdminArticleView::from(article))
}
