//! What support staff change on subscriptions besides refunds, one action
//! per file: grant a comp ([`grant_comp()`]), end a comp early
//! ([`end_comp()`]), cancel at the period end or now ([`staff_cancel`]),
//! extend a period ([`extend()`]). Each change and its audit entry are one write
//! transaction; a change the payment provider must know about is told to
//! it first, so our record never shows something the provider does not do.
//! Here: who acts ([`StaffChange`]), when a cancellation lands
//! ([`CancelWhen`]), and the steps the actions share.

mod cancel;
mod end_comp;
mod extend;
mod grant_comp;

pub use cancel::staff_cancel;
pub use end_comp::end_comp;
pub use extend::extend;
pub use grant_comp::grant_comp;

use super::subscription_not_found;
use crate::db::DbConnection;
use crate::db::audit_log::{self, AuditEntry};
use crate::db::readers;
use crate::db::subscriptions::{self, SubscriptionChanges, SubscriptionRow, TransitionOutcome};
use crate::domain::{ReaderId, StaffScope, SubscriptionId, SubscriptionState};
use crate::error::ApiError;
use chrono::NaiveDateTime;
use diesel::OptionalExtension;

/// Who acts, why, and the audit entry their change carries.
#[derive(Debug, Clone)]
pub struct StaffChange {
    /// `staff:<id>`, named in the subscription history.
    pub actor: String,
    /// Why, stored on the event and the audit entry.
    pub reason: String,
    /// The entry to record with the change.
    pub audit: AuditEntry,
    /// Whom the staff member may act on: comps and extensions follow the
    /// same rule as disabling an account.
    pub scope: StaffScope,
}

/// When a staff cancellation takes effect.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CancelWhen {
    /// At the end of the paid period (`canceling`; access continues).
    PeriodEnd,
    /// Now (`expired`; access ends, no money back).
    Now,
}

/// 409 for a subscription that moved between reading and writing it.
fn changed_meanwhile() -> ApiError {
    ApiError::conflict(
        "subscription_changed",
        "the subscription changed meanwhile; reload it and try again",
    )
}

/// The subscription, its reader's row locked for the transaction.
fn find_locked(conn: &mut DbConnection, id: &SubscriptionId) -> Result<SubscriptionRow, ApiError> {
    let row = subscriptions::find(conn, id)
        .optional()?
        .ok_or_else(subscription_not_found)?;
    readers::lock(conn, &ReaderId::from_db(row.reader_id.clone()))?;
    Ok(subscriptions::find(conn, id)?)
}

/// Moves `row` to `to` with its event and the audit entry; 409 when it
/// cannot go there or changed meanwhile.
fn move_audited(
    conn: &mut DbConnection,
    row: &SubscriptionRow,
    to: SubscriptionState,
    changes: &SubscriptionChanges,
    change: &StaffChange,
    details: &serde_json::Value,
    now: NaiveDateTime,
) -> Result<SubscriptionRow, ApiError> {
    let from = row.state().ok_or_else(changed_meanwhile)?;
    let id = row.subscription_id();
    let outcome = subscriptions::transition(
        conn,
        &id,
        from,
        to,
        changes,
        &change.actor,
        Some(&change.reason),
        now,
    )?;
    if outcome == TransitionOutcome::Conflict {
        return Err(changed_meanwhile());
    }
    let entry = change
        .audit
        .clone()
        .reader(&row.reader_id)
        .reason(Some(&change.reason))
        .details(details)
        .at(now);
    audit_log::record(conn, &entry)?;
    Ok(subscriptions::find(conn, &id)?)
}
