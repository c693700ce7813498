//! Moving the end of a comp, or of a period no provider renews, later.

use super::{StaffChange, changed_meanwhile, find_locked};
use crate::billing::provider::DevProvider;
use crate::billing::subscription_not_found;
use crate::db::audit_log;
use crate::db::subscriptions::{self, SubscriptionChanges, SubscriptionRow, TransitionOutcome};
use crate::db::{self, Database, readers};
use crate::domain::{FieldError, SubscriptionId, SubscriptionState};
use crate::error::ApiError;
use chrono::{DateTime, Utc};
use serde_json::json;

/// Moves a subscription's end later: a comp's end date, or the paid
/// period of a subscription no provider renews (imported, development).
/// A subscription Stripe bills is refused (409 `billed_by_provider`):
/// Stripe would charge on its own date whatever we store.
pub async fn extend(
    db: &Database,
    id: &SubscriptionId,
    until: DateTime<Utc>,
    change: StaffChange,
) -> Result<SubscriptionRow, ApiError> {
    let id = id.clone();
    db.run(move |conn| {
        let now = Utc::now().naive_utc();
        db::write_transaction(conn, |conn| {
            let row = find_locked(conn, &id)?;
            let owner = row.reader_id();
            change
                .scope
                .may_act_on(&owner, readers::find(conn, &owner)?.role())?;
            let state = row.state();
            let comp = state == Some(SubscriptionState::Comped);
            let current_end = if comp {
                row.comped_until
            } else {
                row.current_period_end
            };
            let extendable = comp
                || matches!(
                    state,
                    Some(
                        SubscriptionState::Active
                            | SubscriptionState::Trialing
                            | SubscriptionState::Canceling
                            | SubscriptionState::PastDue
                    )
                );
            if !extendable {
                return Err(ApiError::conflict(
                    "not_extendable",
                    "only a live subscription or comp can be extended",
                ));
            }
            if !comp && row.provider.as_deref().is_some_and(|p| p != DevProvider::NAME) {
                return Err(ApiError::conflict(
                    "billed_by_provider",
                    "the payment provider renews this subscription on its own dates; extend it there",
                ));
            }
            if current_end.is_some_and(|end| until.naive_utc() <= end) || until.naive_utc() <= now
            {
                return Err(ApiError::invalid_field(
                    FieldError::new("not_later", "the new end must be later than the current one")
                        .at("until"),
                ));
            }
            let changes = if comp {
                SubscriptionChanges {
                    comped_until: Some(Some(until.naive_utc())),
                    ..SubscriptionChanges::default()
                }
            } else {
                SubscriptionChanges {
                    current_period_end: Some(Some(until.naive_utc())),
                    ..SubscriptionChanges::default()
                }
            };
            let expected = state.ok_or_else(subscription_not_found)?;
            if subscriptions::update_fields_without_transition(conn, &id, expected, &changes, now)?
                == TransitionOutcome::Conflict
            {
                return Err(changed_meanwhile());
            }
            let entry = change
                .audit
                .clone()
                .reader(&row.reader_id)
                .reason(Some(&change.reason))
                .details(&json!({"from": current_end.map(|t| t.and_utc()), "to": until}))
                .at(now);
            audit_log::record(conn, &entry)?;
            Ok(subscriptions::find(conn, &id)?)
        })
    })
    .await
}
