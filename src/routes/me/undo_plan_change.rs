//! `POST /v1/me/subscription/change/undo`: take back a downgrade before the
//! period ends.

use super::change_plan::{ChangedPlan, PlanChangeView};
use crate::billing::plan_change::undo_plan_change;
use crate::error::{ApiError, Problem};
use crate::routes::extract::AuthenticatedReader;
use crate::routes::me::subscription::SubscriptionView;
use crate::state::AppState;
use actix_web::{HttpResponse, post, web};

/// Undoes the pending downgrade: the subscription renews on its current
/// plan. The change is answered as `undone`.
#[utoipa::path(
    tag = "me",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The subscription and the undone change", body = ChangedPlan),
        (status = 401, description = "No valid session", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No subscription (`subscription_not_found`)", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "No change is pending (`no_pending_plan_change`)", body = Problem, content_type = "application/problem+json"),
        (status = 502, description = "The payment provider refused the call or answered nonsense (`payment_provider_rejected`, `payment_provider_bad_response`)", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "The payment provider is unavailable", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/v1/me/subscription/change/undo")]
pub async fn undo_subscription_plan_change(
    state: web::Data<AppState>,
    reader: AuthenticatedReader,
) -> Result<HttpResponse, ApiError> {
    let (subscription, change) =
        undo_plan_change(&state.db, &state.payments, &reader.account).await?;
    state.cache.subscriptions_changed(&reader.reader_id);
    let subscription = SubscriptionView::from_row(&subscription)
        .ok_or_else(|| anyhow::anyhow!("subscription {} has an unknown state", subscription.id))?;
    Ok(HttpResponse::Ok().json(ChangedPlan {
        subscription,
        change: PlanChangeView::from(&change),
    }))
}
