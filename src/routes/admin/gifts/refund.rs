//! `POST /v1/admin/gifts/{id}/refund`: refund a gift to its buyer.

use crate::billing::StaffChange;
use crate::billing::gifts;
use crate::domain::{AuditAction, GiftId, Reason};
use crate::error::{ApiError, Problem};
use crate::parse_fields;
use crate::routes::admin::subscriptions::refund::RefundRequestBody;
use crate::routes::extract::{Staff, SupportRole};
use crate::routes::gifts::GiftRefundView;
use crate::state::AppState;
use actix_web::{HttpResponse, post, web};

/// Refunds the gift in full to its buyer and ends it at once (redeemed or
/// not); inside the guarantee (60 days from the purchase) support may,
/// after it only an admin with `override`. Audited as `gift_refunded`.
#[utoipa::path(
    tag = "admin",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The gift's id")),
    request_body = RefundRequestBody,
    responses(
        (status = 200, description = "Refunded", body = GiftRefundView),
        (status = 401, description = "No valid session", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not support staff (`insufficient_role`), or past the guarantee and not an admin (`guarantee_window_passed`)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such gift (`gift_not_found`)", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Refunded already (`gift_already_refunded`), or never paid (`gift_not_paid`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "No reason, or an admin past the guarantee without `override` (`override_required`)", body = Problem, content_type = "application/problem+json"),
        (status = 502, description = "The payment provider refused the refund; nothing changed", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "The payment provider is unavailable; nothing changed", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/{id}/refund")]
pub async fn refund_gift_as_staff(
    state: web::Data<AppState>,
    staff: Staff<SupportRole>,
    id: web::Path<String>,
    body: web::Json<RefundRequestBody>,
) -> Result<HttpResponse, ApiError> {
    let id = GiftId::parse(&id).ok_or_else(gifts::gift_not_found)?;
    let body = body.into_inner();
    parse_fields! {
        reason = "reason" => Reason::parse_required(body.reason),
    }
    let change = StaffChange {
        actor: staff.actor(),
        reason: reason.as_str().to_owned(),
        audit: staff.audit(AuditAction::GiftRefunded, ("gift", id.as_str())),
        scope: staff.scope(),
    };
    let refund = gifts::refund_gift_by_staff(
        &state.db,
        &state.payments,
        &state.letters,
        &id,
        staff.member.role,
        body.override_window,
        change,
    )
    .await?;
    if let Some(reader) = refund.gift.redeemed_by.clone() {
        state
            .cache
            .subscriptions_changed(&crate::domain::ReaderId::from_db(reader));
    }
    state.jobs.wake();
    Ok(HttpResponse::Ok().json(GiftRefundView::from(&refund)))
}
