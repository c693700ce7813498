//! `POST /v1/admin/subscriptions/{id}/extend`: moves a comp's end, or the
//! paid period of a subscription no provider renews, later (a goodwill
//! gesture after a delivery problem, say).

use super::{AdminSubscriptionView, staff_change, subscription_id};
use crate::billing;
use crate::db::subscriptions::SubscriptionRow;
use crate::domain::{AuditAction, Reason, parse_instant};
use crate::error::{ApiError, Problem};
use crate::parse_fields;
use crate::routes::extract::{Staff, SupportRole};
use crate::state::AppState;
use actix_web::{HttpResponse, post, web};
use serde::Deserialize;
use utoipa::ToSchema;

/// The new end and why.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ExtendBody {
    /// The new end, RFC 3339 (later than the current end).
    #[schema(required = true, value_type = String)]
    pub until: Option<String>,
    /// Required; up to 1000 characters.
    #[schema(required = true, value_type = String)]
    pub reason: Option<String>,
}

/// Extends a subscription.
#[utoipa::path(
    tag = "admin",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The subscription id")),
    request_body = ExtendBody,
    responses(
        (status = 200, description = "The subscription with its new end", body = AdminSubscriptionView),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid session", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not support staff (`insufficient_role`), or support extending an admin's subscription (`admin_account_protected`)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such subscription (`subscription_not_found`)", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Over (`not_extendable`), renewed by the payment provider (`billed_by_provider`), or staff extending their own subscription (`cannot_change_own_account`)", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "No reason, or `until` missing, malformed or not later", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/{id}/extend")]
pub async fn extend_subscription(
    state: web::Data<AppState>,
    staff: Staff<SupportRole>,
    id: web::Path<String>,
    body: web::Json<ExtendBody>,
) -> Result<HttpResponse, ApiError> {
    let extended = extend_as(&state, &staff, &id, body.into_inner()).await?;
    Ok(HttpResponse::Ok().json(AdminSubscriptionView::from(&extended)))
}

/// Extends subscription `id` for `staff`: the one path of this endpoint
/// and the staff console.
pub async fn extend_as(
    state: &AppState,
    staff: &Staff<SupportRole>,
    id: &str,
    body: ExtendBody,
) -> Result<SubscriptionRow, ApiError> {
    let id = subscription_id(id)?;
    parse_fields! {
        until = "until" => parse_instant(body.until.as_deref()),
        reason = "reason" => Reason::parse_required(body.reason),
    }
    let change = staff_change(
        staff,
        AuditAction::SubscriptionExtended,
        id.as_str(),
        reason.as_str().to_owned(),
    );
    let extended = billing::extend(&state.db, &id, until, change).await?;
    state.cache.subscriptions_changed(&extended.reader_id());
    Ok(extended)
}
