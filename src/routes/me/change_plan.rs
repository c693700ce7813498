//! `POST /v1/me/subscription/change`: move the reader's paid subscription
//! to another tier or interval.

use crate::billing::plan_change::{PlanOrder, change_plan};
use crate::db::plan_changes::PlanChangeRow;
use crate::domain::{BillingInterval, FieldError};
use crate::error::{ApiError, Problem};
use crate::parse_fields;
use crate::routes::extract::AuthenticatedReader;
use crate::routes::me::subscription::SubscriptionView;
use crate::state::AppState;
use actix_web::{HttpResponse, post, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The plan to move to; a field left out stays as it is.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ChangePlanBody {
    /// The tier's id, as listed by `GET /v1/plans`.
    #[serde(default)]
    #[schema(example = "print")]
    pub tier: Option<String>,
    /// `month` or `year`.
    #[serde(default)]
    #[schema(example = "year")]
    pub interval: Option<String>,
}

/// One side of a change.
#[derive(Debug, Serialize, ToSchema)]
pub struct PlanView {
    /// The tier's id.
    pub tier: String,
    /// `month` or `year`.
    pub interval: String,
}

/// A change of plan.
#[derive(Debug, Serialize, ToSchema)]
pub struct PlanChangeView {
    /// `upgrade` (applied at once) or `downgrade` (at the period end).
    #[schema(example = "upgrade")]
    pub kind: String,
    /// `applied`, `pending` (undo it with `POST
    /// /v1/me/subscription/change/undo`) or `undone`.
    #[schema(example = "applied")]
    pub status: String,
    /// The plan before.
    pub from: PlanView,
    /// The plan after.
    pub to: PlanView,
    /// When it took or takes effect.
    pub effective_at: DateTime<Utc>,
    /// What an upgrade invoiced at once, in minor units (`null` for
    /// downgrades, and for upgrades the provider invoices itself).
    pub prorated_amount_cents: Option<i64>,
}

impl From<&PlanChangeRow> for PlanChangeView {
    fn from(row: &PlanChangeRow) -> Self {
        Self {
            kind: row.kind.as_str().to_owned(),
            status: row.status.as_str().to_owned(),
            from: PlanView {
                tier: row.from_tier_id.clone(),
                interval: row.from_interval.clone(),
            },
            to: PlanView {
                tier: row.to_tier_id.clone(),
                interval: row.to_interval.clone(),
            },
            effective_at: row.effective_at.and_utc(),
            prorated_amount_cents: row.prorated_cents,
        }
    }
}

/// The subscription after a change, and the change.
#[derive(Debug, Serialize, ToSchema)]
pub struct ChangedPlan {
    /// The subscription as it is now.
    pub subscription: SubscriptionView,
    /// The change recorded.
    pub change: PlanChangeView,
}

fn tier(raw: Option<String>) -> Result<Option<String>, FieldError> {
    raw.map(|raw| {
        let trimmed = raw.trim();
        if trimmed.is_empty() {
            Err(FieldError::new("required", "name a tier, e.g. print"))
        } else {
            Ok(trimmed.to_owned())
        }
    })
    .transpose()
}

fn interval(raw: Option<String>) -> Result<Option<BillingInterval>, FieldError> {
    raw.map(|raw| {
        BillingInterval::parse(raw.trim())
            .ok_or_else(|| FieldError::new("invalid_interval", "the interval is `month` or `year`"))
    })
    .transpose()
}

/// Changes plan. An upgrade (a longer interval, or a dearer tier for the
/// same interval) takes effect at once and invoices the proration now; a
/// downgrade takes effect at the period end and is `pending` until then.
/// The tier's perks and the print mailing list follow the plan; the
/// money-back guarantee window does not restart.
#[utoipa::path(
    tag = "me",
    security(("bearer" = [])),
    request_body = ChangePlanBody,
    responses(
        (status = 200, description = "The subscription and the change (`applied` or `pending`)", body = ChangedPlan),
        (status = 401, description = "No valid session", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No subscription (`subscription_not_found`)", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not an active paid subscription (`plan_change_not_allowed`), already on that plan (`plan_unchanged`), a downgrade pending (`plan_change_pending`), changed meanwhile (`plan_change_conflict`), or the upgrade's payment failed (`upgrade_payment_failed`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Neither field given, an unknown tier or interval, a plan not on offer, or print without a shipping address (`shipping_address_required`)", body = Problem, content_type = "application/problem+json"),
        (status = 502, description = "The payment provider refused the call or answered nonsense (`payment_provider_rejected`, `payment_provider_bad_response`)", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "The payment provider is unavailable", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/v1/me/subscription/change")]
pub async fn change_subscription_plan(
    state: web::Data<AppState>,
    reader: AuthenticatedReader,
    body: web::Json<ChangePlanBody>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    parse_fields! {
        tier = "tier" => tier(body.tier),
        interval = "interval" => interval(body.interval),
    }
    if tier.is_none() && interval.is_none() {
        return Err(ApiError::invalid_field(
            FieldError::new("required", "give a tier, an interval, or both").at("tier"),
        ));
    }
    let outcome = change_plan(
        &state.db,
        &state.payments,
        &reader.account,
        PlanOrder { tier, interval },
    )
    .await?;
    state.cache.subscriptions_changed(&reader.reader_id);
    let subscription = SubscriptionView::from_row(&outcome.subscription).ok_or_else(|| {
        anyhow::anyhow!(
            "subscription {} has an unknown state",
            outcome.subscription.id
        )
    })?;
    Ok(HttpResponse::Ok().json(ChangedPlan {
        subscription,
        change: PlanChangeView::from(&outcome.change),
    }))
}
