//! `GET /v1/gifts/{token}`: what a gift link is, and whether it can be
//! redeemed (the site's redemption page shows it before asking the
//! recipient to log in).

use crate::billing::gifts;
use crate::domain::GiftStatus;
use crate::error::{ApiError, Problem};
use crate::state::AppState;
use actix_web::{HttpResponse, get, http::header, web};
use serde::Serialize;
use utoipa::ToSchema;

/// A gift, as its recipient sees it.
#[derive(Debug, Serialize, ToSchema)]
pub struct GiftView {
    /// The tier's id.
    pub tier: String,
    /// The tier's name.
    pub tier_name: String,
    /// How many months.
    pub months: u32,
    /// The buyer's address.
    pub from: String,
    /// The buyer's message.
    pub message: Option<String>,
    /// `paid` (waiting to be redeemed), `redeemed` or `refunded`.
    pub status: GiftStatus,
    /// Whether `POST /v1/gifts/{token}/redeem` can succeed now.
    pub redeemable: bool,
}

/// The gift the emailed link names. The token is the capability: a
/// forged or altered one is 404 and says nothing more.
#[utoipa::path(
    tag = "gifts",
    params(("token" = String, Path, description = "The token of the gift email's link")),
    responses(
        (status = 200, description = "The gift", body = GiftView),
        (status = 404, description = "No gift has this link (`gift_not_found`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/v1/gifts/{token}")]
pub async fn get_gift(
    state: web::Data<AppState>,
    token: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let gift = gifts::view_gift(&state.db, &token).await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(GiftView {
            tier: gift.tier.0,
            tier_name: gift.tier.1,
            months: gift.months,
            from: gift.from,
            message: gift.message,
            status: gift.status,
            redeemable: gift.redeemable,
        }))
}
