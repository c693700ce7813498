//! Support's changes to one subscription: refund (the money-back
//! guarantee), cancel, end a comp, extend; and granting a comp to a
//! reader. The rules live in `crate::billing`; these handlers decode,
//! build the audit entry and answer.

pub mod cancel;
pub mod end_comp;
pub mod extend;
pub mod grant_comp;
pub mod refund;

use crate::billing::StaffChange;
use crate::db::refunds::RefundRow;
use crate::db::subscriptions::SubscriptionRow;
use crate::domain::{AuditAction, BillingInterval, SubscriptionId, SubscriptionState};
use crate::error::ApiError;
use crate::routes::extract::{RequiredRole, Staff};
use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

/// A subscription as support sees it.
#[derive(Debug, Serialize, ToSchema)]
pub struct AdminSubscriptionView {
    /// The subscription id.
    pub id: String,
    /// Whose it is.
    pub reader_id: String,
    /// The tier's id.
    pub tier: String,
    /// Where it is in its life (`null` for a state this build does not know).
    pub state: Option<SubscriptionState>,
    /// How often it is billed; `null` for comps and imports.
    pub billing_interval: Option<BillingInterval>,
    /// End of the paid period (exclusive).
    pub current_period_end: Option<DateTime<Utc>>,
    /// For `past_due`: when access stops unless a payment succeeds.
    pub grace_ends_at: Option<DateTime<Utc>>,
    /// For `comped`: when the comp ends.
    pub comped_until: Option<DateTime<Utc>>,
    /// Why it was cancelled, when it was.
    pub cancel_reason: Option<String>,
    /// Who bills it (`stripe`, `dev`), `null` when nobody does.
    pub provider: Option<String>,
    /// When it started.
    pub started_at: DateTime<Utc>,
    /// When it ended, once it has.
    pub ended_at: Option<DateTime<Utc>>,
}

impl From<&SubscriptionRow> for AdminSubscriptionView {
    fn from(row: &SubscriptionRow) -> Self {
        Self {
            id: row.id.clone(),
            reader_id: row.reader_id.clone(),
            tier: row.tier_id.clone(),
            state: row.state(),
            billing_interval: row.billing_interval(),
            current_period_end: row.current_period_end.map(|t| t.and_utc()),
            grace_ends_at: row.grace_ends_at.map(|t| t.and_utc()),
            comped_until: row.comped_until.map(|t| t.and_utc()),
            cancel_reason: row.cancel_reason.clone(),
            provider: row.provider.clone(),
            started_at: row.started_at.and_utc(),
            ended_at: row.ended_at.map(|t| t.and_utc()),
        }
    }
}

/// Money given back.
#[derive(Debug, Serialize, ToSchema)]
pub struct RefundView {
    /// The refund id.
    pub id: String,
    /// The payment it gives back (part of).
    pub payment_id: String,
    /// How much, in minor units.
    pub amount_cents: i64,
    /// In which currency.
    pub currency: String,
    /// The provider's refund id (`re_...`), when a provider holds the money.
    pub provider_refund_id: Option<String>,
    /// Why.
    pub reason: Option<String>,
    /// Who (`staff:<id>`, `provider:stripe`).
    pub actor: String,
    /// When it was recorded.
    pub created_at: DateTime<Utc>,
}

impl From<&RefundRow> for RefundView {
    fn from(row: &RefundRow) -> Self {
        Self {
            id: row.id.clone(),
            payment_id: row.payment_id.clone(),
            amount_cents: row.amount_cents,
            currency: row.currency.clone(),
            provider_refund_id: row.provider_refund_id.clone(),
            reason: row.reason.clone(),
            actor: row.actor.clone(),
            created_at: row.created_at.and_utc(),
        }
    }
}

/// The subscription id of a path; 404 for one that cannot exist.
pub fn subscription_id(raw: &str) -> Result<SubscriptionId, ApiError> {
    SubscriptionId::parse(raw).ok_or_else(crate::billing::subscription_not_found)
}

/// A staff change: who, why, and its audit entry on the subscription.
pub fn staff_change<R: RequiredRole>(
    staff: &Staff<R>,
    action: AuditAction,
    subscription: &str,
    reason: String,
) -> StaffChange {
    StaffChange {
        actor: staff.actor(),
        reason,
        audit: staff.audit(action, ("subscription", subscription)),
        scope: staff.scope(),
    }
}
