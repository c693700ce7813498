//! `POST /v1/articles/{slug}/gift-links`: a subscriber (within the monthly
//! allowance) or an editor (unlimited, for the magazine) makes a link that
//! lets anyone read this one article in full.

use super::visible_article;
use crate::catalogue::gift_links::create::{GiftLinkOrder, create_gift_link};
use crate::domain::gift_link_expiry;
use crate::error::{ApiError, Problem};
use crate::routes::extract::AuthenticatedReader;
use crate::routes::extract::Visitor;
use crate::routes::gate::Gate;
use crate::state::AppState;
use actix_web::http::header;
use actix_web::{HttpResponse, post, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// How long the link should work; neither field: until revoked.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateGiftLinkRequest {
    /// Days from now, 1 to 365.
    pub expires_in_days: Option<i64>,
    /// An instant, at most 365 days ahead (instead of `expires_in_days`).
    pub expires_at: Option<DateTime<Utc>>,
}

/// The new link. The token is shown only now: only its hash is kept.
#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedGiftLinkView {
    /// The token, for `GET /v1/articles/{slug}?gift=<token>`.
    pub token: String,
    /// The site's address of the article with the token, to share.
    pub url: String,
    /// When it stops working, if ever.
    pub expires_at: Option<DateTime<Utc>>,
}

/// Makes a gift link to the article.
#[utoipa::path(
    tag = "articles",
    params(("slug" = String, Path, description = "The article's slug")),
    request_body = CreateGiftLinkRequest,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "The link", body = CreatedGiftLinkView),
        (status = 401, description = "No valid session", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Neither an editor nor a subscriber whose subscription opens this article (`gift_link_not_allowed`)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No published article with this slug (`article_not_found`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "An expiry out of range (`validation_failed`)", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "This month's allowance is used (`gift_link_allowance_used`); `Retry-After` says when it resets", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/v1/articles/{slug}/gift-links")]
pub async fn create_article_gift_link(
    state: web::Data<AppState>,
    reader: AuthenticatedReader,
    slug: web::Path<String>,
    body: web::Json<CreateGiftLinkRequest>,
) -> Result<HttpResponse, ApiError> {
    let article = visible_article(&state, &slug).await?;
    let expires_at = gift_link_expiry(body.expires_in_days, body.expires_at, Utc::now())
        .map_err(ApiError::invalid_field)?;
    let visitor = Visitor::Reader {
        reader_id: reader.reader_id.clone(),
        role: reader.role,
    };
    let gate = Gate::for_visitor(&state, &visitor).await?;
    let order = GiftLinkOrder {
        giver: reader.reader_id.clone(),
        role: reader.role,
        in_past_issue: gate.is_past_issue(article.issue_number),
        article,
        expires_at,
    };
    let link = create_gift_link(&state.db, &state.settings, order).await?;
    // The token opens the article: no cache may keep the answer.
    Ok(HttpResponse::Created()
        .insert_header((header::CACHE_CONTROL, "private, no-store"))
        .json(CreatedGiftLinkView {
            token: link.token,
            url: link.url,
            expires_at: link.expires_at,
        }))
}
