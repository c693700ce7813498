//! `GET /v1/gifts/refunds/{token}`: what the gift receipt's refund link
//! would refund, and whether it still can.

use super::GiftRefundView;
use crate::billing::gifts;
use crate::error::{ApiError, Problem};
use crate::state::AppState;
use actix_web::{HttpResponse, get, http::header, web};

/// The gift the refund link names (no account: the token is the
/// capability).
#[utoipa::path(
    tag = "gifts",
    params(("token" = String, Path, description = "The token of the receipt's refund link")),
    responses(
        (status = 200, description = "The gift", body = GiftRefundView),
        (status = 404, description = "No gift has this link (`gift_not_found`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/v1/gifts/refunds/{token}")]
pub async fn view_gift_refund(
    state: web::Data<AppState>,
    token: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let refund = gifts::view_gift_refund(&state.db, &state.letters, &token).await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(GiftRefundView::from(&refund)))
}
