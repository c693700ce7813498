//! `GET /v1/articles/{slug}`: always 200 for a visible article, with the
//! full text when the gate grants it and the teaser when not. `?gift=`
//! presents a gift link to this article.

use super::visible_article;
use super::{ArticleSummary, teaser};
use crate::catalogue::gift_links::given_by;
use crate::catalogue::gift_links::open::count_gift_link_open;
use crate::domain::AccessDecision;
use crate::error::{ApiError, Problem};
use crate::metrics::GateResource;
use crate::routes::extract::Visitor;
use crate::routes::gate::Gate;
use crate::state::AppState;
use actix_web::http::header;
use actix_web::{HttpResponse, get, web};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// A gift link presented with the request.
#[derive(Debug, Deserialize, IntoParams)]
pub struct ArticleQuery {
    /// A gift link's token: a valid link to this article opens its full
    /// text (`access.reason: "gift_link"`).
    pub gift: Option<String>,
}

/// What became of a presented gift link.
#[derive(Debug, Serialize, ToSchema)]
pub struct GiftNote {
    /// Whether the link opens this article now; `false` for an expired,
    /// revoked, unknown or altered link, or one to another article (the
    /// normal gate then applies).
    pub valid: bool,
    /// Who gave it (the giver's display name, or the magazine for an
    /// editor's link), when valid: "a gift from <from>".
    pub from: Option<String>,
}

/// An article page.
#[derive(Debug, Serialize, ToSchema)]
pub struct ArticlePage {
    #[serde(flatten)]
    pub summary: ArticleSummary,
    /// The full text when `access.granted`, else the teaser.
    pub body: String,
    /// Whether `body` is the teaser.
    pub is_teaser: bool,
    /// Only when `?gift=` was sent: whether the link works, and whose gift.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gift: Option<GiftNote>,
}

/// An article with the gate's answer and the text this visitor may read.
#[utoipa::path(
    tag = "articles",
    params(("slug" = String, Path, description = "The article's slug"), ArticleQuery),
    security((), ("bearer" = [])),
    responses(
        (status = 200, description = "The article: full text or teaser (with `?gift=`, `Cache-Control: private, no-store`)", body = ArticlePage),
        (status = 401, description = "A token was sent but is invalid or expired", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No published article with this slug", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/v1/articles/{slug}")]
pub async fn get_article(
    state: web::Data<AppState>,
    visitor: Visitor,
    slug: web::Path<String>,
    query: web::Query<ArticleQuery>,
) -> Result<HttpResponse, ApiError> {
    let article = visible_article(&state, &slug).await?;
    let gift_token = query.gift.as_deref();
    let gate = Gate::for_visitor(&state, &visitor)
        .await?
        .with_gift(&state, gift_token)
        .await?;
    let access = state
        .metrics
        .gate
        .count(GateResource::Article, gate.article(&article));
    let working = gate.working_gift(&article);
    if let (AccessDecision::GiftLink, Some(link)) = (access, working) {
        count_gift_link_open(&state.db, link).await?;
    }
    let (body, is_teaser) = if access.is_granted() {
        (article.body.clone(), false)
    } else {
        (teaser(&article.body, article.paywall_cut), true)
    };
    let gift = gift_token.map(|_| GiftNote {
        valid: working.is_some(),
        from: working.map(|link| given_by(&state.settings, link)),
    });
    let mut response = HttpResponse::Ok();
    if gift.is_some() {
        // A gift read is personal: no cache, shared or the browser's, keeps it.
        response.insert_header((header::CACHE_CONTROL, "private, no-store"));
    }
    Ok(response.json(ArticlePage {
        summary: ArticleSummary::new(&article, access),
        body,
        is_teaser,
        gift,
    }))
}
