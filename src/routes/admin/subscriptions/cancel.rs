//! `POST /v1/admin/subscriptions/{id}/cancel`: support cancels for a
//! reader, at the period end (access continues, nothing renews) or now
//! (access ends, no money back: that is a refund).

use super::{AdminSubscriptionView, staff_change, subscription_id};
use crate::billing::{self, CancelWhen};
use crate::db::subscriptions::SubscriptionRow;
use crate::domain::{AuditAction, FieldError, Reason};
use crate::error::{ApiError, Problem};
use crate::parse_fields;
use crate::routes::extract::{Staff, SupportRole};
use crate::state::AppState;
use actix_web::{HttpResponse, post, web};
use serde::Deserialize;
use utoipa::ToSchema;

/// Why: every staff change says.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ReasonBody {
    /// Required; up to 1000 characters.
    #[schema(required = true, value_type = String)]
    pub reason: Option<String>,
}

/// When and why.
#[derive(Debug, Deserialize, ToSchema)]
pub struct StaffCancelBody {
    /// `period_end` (default) or `now`.
    pub at: Option<String>,
    /// Required; up to 1000 characters.
    #[schema(required = true, value_type = String)]
    pub reason: Option<String>,
}

fn parse_when(raw: Option<&str>) -> Result<CancelWhen, FieldError> {
    match raw.unwrap_or("period_end") {
        "period_end" => Ok(CancelWhen::PeriodEnd),
        "now" => Ok(CancelWhen::Now),
        _ => Err(FieldError::new("invalid", "`period_end` or `now`")),
    }
}

/// Cancels a subscription.
#[utoipa::path(
    tag = "admin",
    operation_id = "admin_cancel_subscription",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The subscription id")),
    request_body = StaffCancelBody,
    responses(
        (status = 200, description = "The subscription, now canceling or expired", body = AdminSubscriptionView),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid session", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not support staff (`insufficient_role`)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such subscription (`subscription_not_found`)", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Already ending (`already_canceling`) or over (`invalid_transition`)", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "No reason, or `at` is neither `period_end` nor `now`", body = Problem, content_type = "application/problem+json"),
        (status = 502, description = "The payment provider refused; nothing changed", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "The payment provider is unavailable; nothing changed", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/{id}/cancel")]
pub async fn cancel_subscription(
    state: web::Data<AppState>,
    staff: Staff<SupportRole>,
    id: web::Path<String>,
    body: web::Json<StaffCancelBody>,
) -> Result<HttpResponse, ApiError> {
    let canceled = cancel_as(&state, &staff, &id, body.into_inner()).await?;
    Ok(HttpResponse::Ok().json(AdminSubscriptionView::from(&canceled)))
}

/// Cancels subscription `id` for `staff`: the one path of this endpoint and
/// the staff console.
pub async fn cancel_as(
    state: &AppState,
    staff: &Staff<SupportRole>,
    id: &str,
    body: StaffCancelBody,
) -> Result<SubscriptionRow, ApiError> {
    let id = subscription_id(id)?;
    parse_fields! {
        when = "at" => parse_when(body.at.as_deref()),
        reason = "reason" => Reason::parse_required(body.reason),
    }
    let action = match when {
        CancelWhen::PeriodEnd => AuditAction::SubscriptionCanceledAtPeriodEnd,
        CancelWhen::Now => AuditAction::SubscriptionCanceledNow,
    };
    let change = staff_change(staff, action, id.as_str(), reason.as_str().to_owned());
    let canceled = billing::staff_cancel(
        &state.db,
        &state.payments,
        &state.letters,
        &id,
        when,
        change,
    )
    .await?;
    state.cache.subscriptions_changed(&canceled.reader_id());
    state.jobs.wake();
    Ok(canceled)
}
