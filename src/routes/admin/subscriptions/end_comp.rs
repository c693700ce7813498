//! `POST /v1/admin/subscriptions/{id}/end-comp`: ends a complimentary
//! subscription now; access stops at once.

use super::{AdminSubscriptionView, staff_change, subscription_id};
use crate::billing;
use crate::domain::{AuditAction, Reason};
use crate::error::{ApiError, Problem};
use crate::parse_fields;
use crate::routes::admin::subscriptions::cancel::ReasonBody;
use crate::routes::extract::{Staff, SupportRole};
use crate::state::AppState;
use actix_web::{HttpResponse, post, web};

/// Ends a comp.
#[utoipa::path(
    tag = "admin",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The subscription id")),
    request_body = ReasonBody,
    responses(
        (status = 200, description = "The comp, now expired", body = AdminSubscriptionView),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid session", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not support staff (`insufficient_role`)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such subscription (`subscription_not_found`)", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not a comp (`not_comped`)", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "No reason", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/{id}/end-comp")]
pub async fn end_comp(
    state: web::Data<AppState>,
    staff: Staff<SupportRole>,
    id: web::Path<String>,
    body: web::Json<ReasonBody>,
) -> Result<HttpResponse, ApiError> {
    let id = subscription_id(&id)?;
    parse_fields! {
        reason = "reason" => Reason::parse_required(body.into_inner().reason),
    }
    let change = staff_change(
        &staff,
        AuditAction::CompEnded,
        id.as_str(),
        reason.as_str().to_owned(),
    );
    let ended = billing::end_comp(&state.db, &id, change).await?;
    state.cache.subscriptions_changed(&ended.reader_id());
    Ok(HttpResponse::Ok().json(AdminSubscriptionView::from(&ended)))
}
