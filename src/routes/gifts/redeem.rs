//! `POST /v1/gifts/{token}/redeem`: the recipient turns the gift into a
//! `gift` subscription.

use crate::billing::gifts;
use crate::error::{ApiError, Problem};
use crate::routes::admin::subscriptions::AdminSubscriptionView;
use crate::routes::extract::AuthenticatedReader;
use crate::state::AppState;
use actix_web::{HttpResponse, post, web};
use serde::Serialize;
use utoipa::ToSchema;

/// The redeemed gift.
#[derive(Debug, Serialize, ToSchema)]
pub struct RedeemedView {
    /// The new `gift` subscription.
    pub subscription: AdminSubscriptionView,
    /// When it starts granting: now, or when the reader's paid period ends
    /// (that subscription is set to end then, so nothing is charged during
    /// the gift). RFC 3339.
    pub starts_at: String,
}

/// Redeems the gift for the logged-in reader (any address: the link is
/// the capability). Once: a second redemption, or the loser of two at
/// once, is 409.
#[utoipa::path(
    tag = "gifts",
    security(("bearer" = [])),
    params(("token" = String, Path, description = "The token of the gift email's link")),
    responses(
        (status = 201, description = "Redeemed", body = RedeemedView),
        (status = 401, description = "No valid session", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No gift has this link (`gift_not_found`)", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Redeemed already (`gift_already_redeemed`), or refunded to its buyer (`gift_refunded`)", body = Problem, content_type = "application/problem+json"),
        (status = 502, description = "The payment provider refused to end the reader's paid subscription at its period end", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "The payment provider is unavailable (nothing changed)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/v1/gifts/{token}/redeem")]
pub async fn redeem_gift(
    state: web::Data<AppState>,
    reader: AuthenticatedReader,
    token: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = reader.account.reader_id();
    let redeemed =
        gifts::redeem_gift(&state.db, &state.payments, &state.letters, &id, &token).await?;
    state.cache.subscriptions_changed(&id);
    state.jobs.wake();
    Ok(HttpResponse::Created().json(RedeemedView {
        subscription: AdminSubscriptionView::from(&redeemed.subscription),
        starts_at: crate::domain::rfc3339_seconds(redeemed.starts_at),
    }))
}
