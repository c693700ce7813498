//! `GET /v1/articles/{slug}/access`: the cheap check, for front-ends that
//! render the page themselves and only need the gate's answer.

use super::{metered_privately, visible_article};
use crate::domain::AccessView;
use crate::error::{ApiError, Problem};
use crate::metrics::GateResource;
use crate::routes::extract::{MeterCredential, Visitor};
use crate::routes::gate::Gate;
use crate::state::AppState;
use actix_web::{HttpResponse, get, web};

/// Whether this visitor may read the article in full, and if not why.
#[utoipa::path(
    tag = "articles",
    params(("slug" = String, Path, description = "The article's slug")),
    security((), ("bearer" = [])),
    responses(
        (status = 200, description = "The gate's answer, with the visitor's meter when the metered paywall applies (reported: nothing is used up)", body = AccessView),
        (status = 401, description = "A token was sent but is invalid or expired", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No published article with this slug", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/v1/articles/{slug}/access")]
pub async fn article_access(
    state: web::Data<AppState>,
    visitor: Visitor,
    meter: MeterCredential,
    slug: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let article = visible_article(&state, &slug).await?;
    let gate = Gate::for_visitor(&state, &visitor)
        .await?
        .with_meter(&state, &visitor, &meter)
        .await?;
    let access = gate.article(&article);
    state
        .metrics
        .gate
        .count(GateResource::Article, access.decision);
    let mut response = HttpResponse::Ok();
    metered_privately(&mut response, &access);
    Ok(response.json(access.view()))
}
