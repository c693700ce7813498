//! `POST /v1/gifts/refunds/{token}`: the buyer's refund under the 60-day
//! guarantee, from the receipt's link.

use super::GiftRefundView;
use crate::billing::gifts;
use crate::error::{ApiError, Problem};
use crate::state::AppState;
use actix_web::{HttpResponse, post, web};

/// Refunds the gift in full and ends it at once (redeemed or not); the
/// buyer and, once delivered, the recipient are told. Once: a replayed
/// link is 409.
#[utoipa::path(
    tag = "gifts",
    params(("token" = String, Path, description = "The token of the receipt's refund link")),
    responses(
        (status = 200, description = "Refunded", body = GiftRefundView),
        (status = 403, description = "The guarantee (60 days from the purchase) has passed (`guarantee_window_passed`)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No gift has this link (`gift_not_found`)", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Refunded already (`gift_already_refunded`)", body = Problem, content_type = "application/problem+json"),
        (status = 502, description = "The payment provider refused the refund; nothing changed", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "The payment provider is unavailable; nothing changed", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/v1/gifts/refunds/{token}")]
pub async fn refund_gift_by_link(
    state: web::Data<AppState>,
    token: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let refund =
        gifts::refund_gift_by_token(&state.db, &state.payments, &state.letters, &token).await?;
    if let Some(reader) = refund.gift.redeemed_by.clone() {
        state
            .cache
            .subscriptions_changed(&crate::domain::ReaderId::from_db(reader));
    }
    state.jobs.wake();
    Ok(HttpResponse::Ok().json(GiftRefundView::from(&refund)))
}
