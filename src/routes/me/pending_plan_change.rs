//! `GET /v1/me/subscription/change`: the plan change waiting for the
//! period end, so the site can show it and offer to undo it.

use super::change_plan::PlanChangeView;
use crate::billing;
use crate::db::plan_changes;
use crate::error::{ApiError, Problem};
use crate::routes::extract::AuthenticatedReader;
use crate::state::AppState;
use actix_web::{HttpResponse, get, web};
use chrono::Utc;
use serde::Serialize;
use utoipa::ToSchema;

/// The pending change, if any.
#[derive(Debug, Serialize, ToSchema)]
pub struct PendingPlanChange {
    /// The downgrade that takes effect at the period end, or `null`.
    pub pending: Option<PlanChangeView>,
}

/// The reader's pending plan change (`null` when none waits).
#[utoipa::path(
    tag = "me",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The pending change, or null", body = PendingPlanChange),
        (status = 401, description = "No valid session", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/v1/me/subscription/change")]
pub async fn pending_plan_change(
    state: web::Data<AppState>,
    reader: AuthenticatedReader,
) -> Result<HttpResponse, ApiError> {
    let id = reader.reader_id;
    let pending = state
        .db
        .run(move |conn| {
            let Some(subscription) = billing::current_subscription(conn, &id, Utc::now())? else {
                return Ok(None);
            };
            Ok(plan_changes::pending_for(
                conn,
                &subscription.subscription_id(),
            )?)
        })
        .await?;
    Ok(HttpResponse::Ok().json(PendingPlanChange {
        pending: pending.as_ref().map(PlanChangeView::from),
    }))
}
