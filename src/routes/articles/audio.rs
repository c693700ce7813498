//! `GET /v1/articles/{slug}/audio`: a short-lived signed URL to the audio,
//! only when the gate grants it (never through a gift link).

use super::get::ArticleQuery;
use super::visible_article;
use crate::error::{ApiError, Problem};
use crate::metrics::GateResource;
use crate::routes::extract::Visitor;
use crate::routes::gate::{Gate, require};
use crate::routes::media::{SignedUrl, signed_url};
use crate::state::AppState;
use actix_web::{HttpResponse, get, web};

/// A signed URL to play the article's audio.
#[utoipa::path(
    tag = "articles",
    params(("slug" = String, Path, description = "The article's slug"), ArticleQuery),
    security((), ("bearer" = [])),
    responses(
        (status = 200, description = "A signed URL, valid for a few minutes", body = SignedUrl),
        (status = 401, description = "`login_required`, or an invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`subscription_required`, `perk_required`, `subscription_expired` or `payment_past_due`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such article, or it has no audio", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/v1/articles/{slug}/audio")]
pub async fn article_audio(
    state: web::Data<AppState>,
    visitor: Visitor,
    slug: web::Path<String>,
    query: web::Query<ArticleQuery>,
) -> Result<HttpResponse, ApiError> {
    let article = visible_article(&state, &slug).await?;
    let media_id = article
        .audio_media_id
        .clone()
        .ok_or_else(|| ApiError::not_found("audio_not_found", "this article has no audio"))?;
    // A gift link is read only to be refused: it never opens audio.
    let access = Gate::for_visitor(&state, &visitor)
        .await?
        .with_gift(&state, query.gift.as_deref())
        .await?
        .audio(&article);
    require(state.metrics.gate.count(GateResource::Audio, access))?;
    Ok(HttpResponse::Ok().json(signed_url(&state, &media_id)))
}
