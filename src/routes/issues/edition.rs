//! `GET /v1/issues/{number}/edition`: a short-lived signed URL to the
//! digital edition, only when the gate grants it.

use crate::db;
use crate::error::{ApiError, Problem};
use crate::metrics::GateResource;
use crate::routes::extract::Visitor;
use crate::routes::gate::{Gate, require};
use crate::routes::media::{SignedUrl, signed_url};
use crate::state::AppState;
use actix_web::{HttpResponse, get, web};

/// A signed URL to download the issue's PDF.
#[utoipa::path(
    tag = "issues",
    params(("number" = i32, Path, description = "The issue number")),
    security((), ("bearer" = [])),
    responses(
        (status = 200, description = "A signed URL, valid for a few minutes", body = SignedUrl),
        (status = 401, description = "`login_required`, or an invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`subscription_required`, `perk_required`, `subscription_expired` or `payment_past_due`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such issue, or it has no edition", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/v1/issues/{number}/edition")]
pub async fn issue_edition(
    state: web::Data<AppState>,
    visitor: Visitor,
    number: web::Path<i32>,
) -> Result<HttpResponse, ApiError> {
    let number = number.into_inner();
    let issue = state
        .db
        .run(move |conn| Ok(db::catalogue::published_issue(conn, number)?))
        .await?
        .ok_or_else(|| {
            ApiError::not_found("issue_not_found", "no published issue has this number")
        })?;
    let media_id = issue.edition_media_id.ok_or_else(|| {
        ApiError::not_found("edition_not_found", "this issue has no digital edition")
    })?;
    let access = Gate::for_visitor(&state, &visitor).await?.edition(number);
    require(state.metrics.gate.count(GateResource::Edition, access))?;
    Ok(HttpResponse::Ok().json(signed_url(&state, &media_id)))
}
