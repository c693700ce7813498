//! `GET /v1/articles/{slug}`: always 200 for a visible article, with the
//! full text when the gate grants it and the teaser when not.

use super::visible_article;
use super::{ArticleSummary, teaser};
use crate::error::{ApiError, Problem};
use crate::metrics::GateResource;
use crate::routes::extract::Visitor;
use crate::routes::gate::Gate;
use crate::state::AppState;
use actix_web::{HttpResponse, get, web};
use serde::Serialize;
use utoipa::ToSchema;

/// An article page.
#[derive(Debug, Serialize, ToSchema)]
pub struct ArticlePage {
    #[serde(flatten)]
    pub summary: ArticleSummary,
    /// The full text when `access.granted`, else the teaser.
    pub body: String,
    /// Whether `body` is the teaser.
    pub is_teaser: bool,
}

/// An article with the gate's answer and the text this visitor may read.
#[utoipa::path(
    tag = "articles",
    params(("slug" = String, Path, description = "The article's slug")),
    security((), ("bearer" = [])),
    responses(
        (status = 200, description = "The article: full text or teaser", body = ArticlePage),
        (status = 401, description = "A token was sent but is invalid or expired", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No published article with this slug", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/v1/articles/{slug}")]
pub async fn get_article(
    state: web::Data<AppState>,
    visitor: Visitor,
    slug: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let article = visible_article(&state, &slug).await?;
    let gate = Gate::for_visitor(&state, &visitor).await?;
    let access = state
        .metrics
        .gate
        .count(GateResource::Article, gate.article(&article));
    let (body, is_teaser) = if access.is_granted() {
        (article.body.clone(), false)
    } else {
        (teaser(&article.body, article.paywall_cut), true)
    };
    Ok(HttpResponse::Ok().json(ArticlePage {
        summary: ArticleSummary::new(&article, access),
        body,
        is_teaser,
    }))
}
