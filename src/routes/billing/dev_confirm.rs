//! `POST /v1/billing/dev/checkout/{id}`: the development provider's
//! "payment": confirms a checkout as if the reader had paid.

use super::dev_provider;
use crate::billing::{self, Completion};
use crate::domain::CheckoutId;
use crate::error::{ApiError, Problem};
use crate::routes::extract::AuthenticatedReader;
use crate::routes::me::subscription::SubscriptionView;
use crate::state::AppState;
use actix_web::{HttpResponse, post, web};

/// Activates the subscription of one of the reader's checkouts as if paid
/// (the subscription's history shows `incomplete`, then `active`, and one
/// payment is recorded). Confirming again answers the same and records
/// nothing. Development provider only.
#[utoipa::path(
    tag = "billing",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The checkout id")),
    responses(
        (status = 200, description = "The subscription the checkout paid for", body = SubscriptionView),
        (status = 401, description = "No valid session", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Not the development provider (`dev_provider_disabled`), or no such checkout of this reader (`checkout_not_found`)", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The checkout expired (`checkout_expired`), or a subscription grants access already (`already_subscribed`)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/v1/billing/dev/checkout/{id}")]
pub async fn confirm_dev_checkout(
    state: web::Data<AppState>,
    reader: AuthenticatedReader,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    dev_provider(&state)?;
    let id = CheckoutId::parse(&id)
        .ok_or_else(|| ApiError::not_found("checkout_not_found", "no such checkout"))?;
    let completion =
        billing::confirm_dev_checkout(&state.db, &state.letters, &reader.reader_id, &id).await?;
    state.cache.subscriptions_changed(&reader.reader_id);
    state.jobs.wake();
    let subscription = match completion {
        Completion::Activated(row) | Completion::AlreadyCompleted(row) => row,
        Completion::Expired => {
            return Err(ApiError::conflict(
                "checkout_expired",
                "this checkout expired before it was paid; start a new one",
            ));
        }
    };
    let view = SubscriptionView::from_row(&subscription)
        .ok_or_else(|| anyhow::anyhow!("subscription {} has an unknown state", subscription.id))?;
    Ok(HttpResponse::Ok().json(view))
}
