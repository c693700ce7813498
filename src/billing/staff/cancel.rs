//! Staff cancelling a subscription for its reader, at the period end or
//! now; the provider is told first, and the reader gets the cancellation
//! email with the change.

use super::{CancelWhen, StaffChange, find_locked, move_audited};
use crate::billing::notices;
use crate::billing::provider::Provider;
use crate::billing::subscription_not_found;
use crate::db::subscriptions::{self, SubscriptionChanges, SubscriptionRow};
use crate::db::{self, Database};
use crate::domain::{SubscriptionId, SubscriptionState};
use crate::error::ApiError;
use crate::mail::Letters;
use chrono::Utc;
use diesel::OptionalExtension;
use serde_json::json;
use std::sync::Arc;

/// Cancels a subscription for its reader, at the period end or now (the
/// caller wakes the queue for the reader's email).
pub async fn staff_cancel(
    db: &Database,
    provider: &Provider,
    letters: &Arc<Letters>,
    id: &SubscriptionId,
    when: CancelWhen,
    change: StaffChange,
) -> Result<SubscriptionRow, ApiError> {
    let current = {
        let id = id.clone();
        db.run(move |conn| {
            subscriptions::find(conn, &id)
                .optional()?
                .ok_or_else(subscription_not_found)
        })
        .await?
    };
    let state = current.state();
    let to = match (when, state) {
        (CancelWhen::PeriodEnd, Some(SubscriptionState::Canceling)) => {
            return Err(ApiError::conflict(
                "already_canceling",
                "this subscription already ends at its period end",
            ));
        }
        (CancelWhen::PeriodEnd, Some(s)) if s.can_become(SubscriptionState::Canceling) => {
            provider.cancel_at_period_end(&current).await?;
            SubscriptionState::Canceling
        }
        (CancelWhen::Now, Some(s)) if s.can_become(SubscriptionState::Expired) => {
            provider.cancel_now(&current).await?;
            SubscriptionState::Expired
        }
        _ => {
            return Err(ApiError::conflict(
                "invalid_transition",
                format!(
                    "a subscription that is {} cannot be cancelled this way",
                    state.map_or("in an unknown state", SubscriptionState::as_str)
                ),
            ));
        }
    };
    let id = id.clone();
    let letters = Arc::clone(letters);
    db.run(move |conn| {
        let now = Utc::now().naive_utc();
        db::write_transaction(conn, |conn| {
            let row = find_locked(conn, &id)?;
            let changes = if to == SubscriptionState::Expired {
                SubscriptionChanges {
                    ended_at: Some(Some(now)),
                    ..SubscriptionChanges::default()
                }
            } else {
                SubscriptionChanges {
                    cancel_reason: Some(Some(change.reason.clone())),
                    ..SubscriptionChanges::default()
                }
            };
            let details = json!({"from": row.state, "to": to});
            let moved = move_audited(conn, &row, to, &changes, &change, &details, now)?;
            notices::queue_canceled(conn, &letters, &moved, now)?;
            Ok(moved)
        })
    })
    .await
}
