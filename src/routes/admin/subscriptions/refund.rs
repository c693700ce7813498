//! `POST /v1/admin/subscriptions/{id}/refund`: the money-back guarantee.
//! Every payment refunded in full, the subscription ended at once. Safe
//! to retry: the same `Idempotency-Key`, a double click, or many calls at
//! once refund once; the others get the same result (or 409 while the
//! first is still talking to the provider).

use super::{AdminSubscriptionView, RefundView, subscription_id};
use crate::billing::{self, RefundOrder, RefundOutcome};
use crate::domain::{AuditAction, Reason, SubscriptionId};
use crate::error::{ApiError, Problem};
use crate::parse_fields;
use crate::routes::extract::{Staff, SupportRole, idempotency_key};
use crate::state::AppState;
use actix_web::{HttpRequest, HttpResponse, post, web};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Why, and for an admin after the guarantee, the override.
#[derive(Debug, Deserialize, ToSchema)]
pub struct RefundRequestBody {
    /// Why the money goes back (required; up to 1000 characters).
    #[schema(required = true, value_type = String)]
    pub reason: Option<String>,
    /// An admin's explicit choice to refund after the guarantee ended.
    #[serde(default, rename = "override")]
    pub override_window: bool,
}

/// What the refund did.
#[derive(Debug, Serialize, ToSchema)]
pub struct RefundResultView {
    /// The subscription, now `refunded`.
    pub subscription: AdminSubscriptionView,
    /// Every refund on it.
    pub refunds: Vec<RefundView>,
    /// Their total, in minor units.
    pub refunded_cents: i64,
    /// Their currency (`null` when nothing was refunded).
    pub currency: Option<String>,
    /// Whether it was inside the money-back guarantee (else an admin override).
    pub within_guarantee: bool,
    /// `true` when this call found the refund already done and repeats its result.
    pub replayed: bool,
}

impl From<&RefundOutcome> for RefundResultView {
    fn from(outcome: &RefundOutcome) -> Self {
        Self {
            subscription: AdminSubscriptionView::from(&outcome.subscription),
            refunds: outcome.refunds.iter().map(RefundView::from).collect(),
            refunded_cents: outcome.refunds.iter().map(|r| r.amount_cents).sum(),
            currency: outcome.refunds.first().map(|r| r.currency.clone()),
            within_guarantee: outcome.within_guarantee,
            replayed: outcome.replayed,
        }
    }
}

/// Refunds a subscription in full and ends it now.
#[utoipa::path(
    tag = "admin",
    security(("bearer" = [])),
    params(
        ("id" = String, Path, description = "The subscription id"),
        ("Idempotency-Key" = Option<String>, Header, description = "Repeats the first result for a retried request"),
    ),
    request_body = RefundRequestBody,
    responses(
        (status = 200, description = "Refunded (or, replayed, refunded before)", body = RefundResultView),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid session", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not support staff (`insufficient_role`), or the guarantee has passed and only an admin may refund (`guarantee_window_passed`)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such subscription (`subscription_not_found`)", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "A refund is in flight (`refund_in_progress`), already refunded at the provider (`already_refunded`), not refundable (`not_refundable`, `nothing_to_refund`)", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Body too large", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "No reason, an admin past the guarantee without `override` (`override_required`), a bad or reused Idempotency-Key", body = Problem, content_type = "application/problem+json"),
        (status = 502, description = "The payment provider refused the refund; nothing changed", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "The payment provider is unavailable; nothing changed", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/{id}/refund")]
pub async fn refund_subscription(
    state: web::Data<AppState>,
    staff: Staff<SupportRole>,
    id: web::Path<String>,
    req: HttpRequest,
    body: web::Json<RefundRequestBody>,
) -> Result<HttpResponse, ApiError> {
    let outcome = refund_as(
        &state,
        &staff,
        &id,
        body.into_inner(),
        idempotency_key(&req),
    )
    .await?;
    Ok(HttpResponse::Ok().json(RefundResultView::from(&outcome)))
}

/// Refunds subscription `id` for `staff` with `key` (the Idempotency-Key,
/// as parsed): the one path of this endpoint and the staff console.
pub async fn refund_as(
    state: &AppState,
    staff: &Staff<SupportRole>,
    id: &str,
    body: RefundRequestBody,
    key: Result<Option<String>, crate::domain::FieldError>,
) -> Result<RefundOutcome, ApiError> {
    let id = subscription_id(id)?;
    parse_fields! {
        reason = "reason" => Reason::parse_required(body.reason),
        key = "Idempotency-Key" => key,
    }
    staff_refund(
        state,
        staff,
        id,
        reason.as_str().to_owned(),
        body.override_window,
        key,
        None,
    )
    .await
}

/// The refund itself, for the JSON endpoints above and the staff console:
/// one call into `billing::refund_subscription` with the staff member's
/// role, actor and audit entry, then the queue woken and the reader's
/// cached subscriptions dropped.
pub async fn staff_refund(
    state: &AppState,
    staff: &Staff<SupportRole>,
    subscription: SubscriptionId,
    reason: String,
    override_window: bool,
    idempotency_key: Option<String>,
    request: Option<(String, Option<String>)>,
) -> Result<RefundOutcome, ApiError> {
    let (request, note) = request.map_or((None, None), |(id, note)| (Some(id), note));
    let order = RefundOrder {
        audit: staff.audit(
            AuditAction::SubscriptionRefunded,
            ("subscription", subscription.as_str()),
        ),
        subscription,
        reason,
        override_window,
        idempotency_key,
        role: staff.member.role,
        actor: staff.actor(),
        request,
        note,
        window_days: state.settings.refund_window_days,
    };
    let outcome =
        billing::refund_subscription(&state.db, &state.payments, &state.letters, order).await?;
    state.jobs.wake();
    state
        .cache
        .subscriptions_changed(&outcome.subscription.reader_id());
    Ok(outcome)
}
