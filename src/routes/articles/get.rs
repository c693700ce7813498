//! `GET /v1/articles/{slug}`: always 200 for a visible article, with the
//! full text when the gate grants it and the teaser when not. `?gift=`
//! presents a gift link to this article. The only read that uses up one of
//! a metered visitor's free articles.

use super::page_json::page_json;
use super::{ArticleSummary, metered_privately, visible_article};
use crate::catalogue::gift_links::given_by;
use crate::catalogue::gift_links::open::count_gift_link_open;
use crate::catalogue::meter::count_metered_read;
use crate::db::catalogue::PublishedArticle;
use crate::domain::{AccessDecision, ArticleAccess};
use crate::error::{ApiError, Problem};
use crate::metrics::GateResource;
use crate::routes::extract::{MeterCredential, Visitor, set_meter_credential};
use crate::routes::gate::Gate;
use crate::state::AppState;
use actix_web::http::header::{self, ContentType};
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

/// An article page. Its bytes are joined from cached pieces
/// (`page_json`); this type is what they are, for the OpenAPI document.
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
        (status = 200, description = "The article: full text or teaser (with `?gift=`, or when the metered paywall applies, `Cache-Control: private, no-store`). A new anonymous visitor whose read the meter counted gets the `masthead_meter` cookie and the same value in `X-Masthead-Meter`", body = ArticlePage),
        (status = 401, description = "A token was sent but is invalid or expired", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No published article with this slug", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/v1/articles/{slug}")]
pub async fn get_article(
    state: web::Data<AppState>,
    visitor: Visitor,
    meter: MeterCredential,
    slug: web::Path<String>,
    query: web::Query<ArticleQuery>,
) -> Result<HttpResponse, ApiError> {
    let article = visible_article(&state, &slug).await?;
    let gift_token = query.gift.as_deref();
    let gate = Gate::for_visitor(&state, &visitor)
        .await?
        .with_gift(&state, gift_token)
        .await?
        .with_meter(&state, &visitor, &meter)
        .await?;
    let (access, issued) = read_in_full(&state, &gate, &article).await?;
    state
        .metrics
        .gate
        .count(GateResource::Article, access.decision);
    let working = gate.working_gift(&article);
    if let (AccessDecision::GiftLink, Some(link)) = (access.decision, working) {
        count_gift_link_open(&state.db, link).await?;
    }
    let gift = gift_token.map(|_| GiftNote {
        valid: working.is_some(),
        from: working.map(|link| given_by(&state.settings, link)),
    });
    let mut response = HttpResponse::Ok();
    if gift.is_some() {
        // A gift read is personal: no cache, shared or the browser's, keeps it.
        response.insert_header((header::CACHE_CONTROL, "private, no-store"));
    }
    metered_privately(&mut response, &access);
    if let Some(token) = issued {
        set_meter_credential(&mut response, &token, &state.settings);
    }
    // The bytes of an `ArticlePage`, joined from the article's cached
    // pieces (see `page_json`).
    Ok(response.content_type(ContentType::json()).body(page_json(
        &article,
        access,
        access.decision.is_granted(),
        gift.as_ref(),
    )))
}

/// The gate's answer for a full read: when the meter opens the article and
/// the read counts, it is counted (deciding again under the meter's lock),
/// on a new meter for an anonymous visitor who has none, whose credential
/// comes back to be handed out.
async fn read_in_full(
    state: &AppState,
    gate: &Gate,
    article: &PublishedArticle,
) -> Result<(ArticleAccess, Option<String>), ApiError> {
    let access = gate.article(article);
    if access.decision != (AccessDecision::Metered { counts: true }) {
        return Ok((access, None));
    }
    let fresh = gate
        .meter()
        .is_some_and(|meter| meter.id.is_none())
        .then(|| state.meter_tokens.issue());
    let Some(slot) = gate.meter_slot(fresh.as_ref().map(|(id, _)| id.clone())) else {
        return Ok((access, None));
    };
    let (_, meter) =
        count_metered_read(&state.db, &state.cache, &slot, &article.id, gate.now()).await?;
    Ok((
        gate.article_with_meter(article, &meter),
        fresh.map(|(_, token)| token),
    ))
}
