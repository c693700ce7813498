//! What support staff change on subscriptions besides refunds: grant a
//! comp, end a comp early, cancel at the period end or now, extend a
//! period. Each change and its audit entry are one write transaction; a
//! change the payment provider must know about is told to it first, so
//! our record never shows something the provider does not do.

use super::provider::Provider;
use super::subscription_not_found;
use crate::db::audit_log::{self, AuditEntry};
use crate::db::subscriptions::{
    self, NewSubscription, SubscriptionChanges, SubscriptionRow, TransitionOutcome,
};
use crate::db::{self, Database, DbConnection, readers, tiers};
use crate::domain::FieldError;
use crate::domain::{ReaderId, StaffScope, SubscriptionId, SubscriptionState};
use crate::error::ApiError;
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::OptionalExtension;
use serde_json::json;

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

/// Grants `reader` a complimentary subscription to `tier` until `until`.
/// 404 for an unknown reader, 422 for an unknown tier or a past end, 409
/// when the reader already holds a live comp of that tier.
pub async fn grant_comp(
    db: &Database,
    reader: &ReaderId,
    tier: String,
    until: DateTime<Utc>,
    change: StaffChange,
) -> Result<SubscriptionRow, ApiError> {
    let reader = reader.clone();
    db.run(move |conn| {
        let now = Utc::now().naive_utc();
        if until.naive_utc() <= now {
            return Err(ApiError::invalid_field(
                FieldError::new("in_the_past", "a comp must end in the future").at("until"),
            ));
        }
        db::write_transaction(conn, |conn| {
            let target = readers::find(conn, &reader)
                .optional()?
                .ok_or_else(|| ApiError::not_found("reader_not_found", "no reader has this id"))?;
            change.scope.may_act_on(&reader, target.role())?;
            readers::lock(conn, &reader)?;
            if tiers::find(conn, &tier)?.is_none() {
                return Err(ApiError::invalid_field(
                    FieldError::new("unknown_tier", "no tier has this id (see GET /v1/plans)")
                        .at("tier"),
                ));
            }
            let live_comp = subscriptions::for_reader(conn, &reader)?
                .into_iter()
                .any(|row| {
                    row.tier_id == tier
                        && row.state() == Some(SubscriptionState::Comped)
                        && row.comped_until.is_some_and(|end| end > now)
                });
            if live_comp {
                return Err(ApiError::conflict(
                    "already_comped",
                    "this reader already has a comp of this tier; extend it instead",
                ));
            }
            let id = SubscriptionId::generate();
            let comp = NewSubscription {
                comped_until: Some(until.naive_utc()),
                ..NewSubscription::new(&id, &reader, &tier, SubscriptionState::Comped, now)
            };
            subscriptions::insert(conn, &comp, &change.actor, Some(&change.reason))?;
            let entry = change
                .audit
                .clone()
                .reader(reader.as_str())
                .reason(Some(&change.reason))
                .details(&json!({"subscription": id.as_str(), "tier": tier, "until": until}))
                .at(now);
            audit_log::record(conn, &entry)?;
            Ok(subscriptions::find(conn, &id)?)
        })
    })
    .await
}

/// Ends a comp now (`comped` to `expired`). 409 `not_comped` otherwise.
pub async fn end_comp(
    db: &Database,
    id: &SubscriptionId,
    change: StaffChange,
) -> Result<SubscriptionRow, ApiError> {
    let id = id.clone();
    db.run(move |conn| {
        let now = Utc::now().naive_utc();
        db::write_transaction(conn, |conn| {
            let row = find_locked(conn, &id)?;
            if row.state() != Some(SubscriptionState::Comped) {
                return Err(ApiError::conflict(
                    "not_comped",
                    "only a comp can be ended this way; cancel or refund a paid subscription",
                ));
            }
            let changes = SubscriptionChanges {
                comped_until: Some(Some(now)),
                ended_at: Some(Some(now)),
                ..SubscriptionChanges::default()
            };
            let details = json!({"was_until": row.comped_until.map(|t| t.and_utc())});
            move_audited(
                conn,
                &row,
                SubscriptionState::Expired,
                &changes,
                &change,
                &details,
                now,
            )
        })
    })
    .await
}

/// When a staff cancellation takes effect.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CancelWhen {
    /// At the end of the paid period (`canceling`; access continues).
    PeriodEnd,
    /// Now (`expired`; access ends, no money back).
    Now,
}

/// Cancels a subscription for its reader, at the period end or now.
pub async fn staff_cancel(
    db: &Database,
    provider: &Provider,
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
            move_audited(conn, &row, to, &changes, &change, &details, now)
        })
    })
    .await
}

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
            if !comp && row.provider.as_deref().is_some_and(|p| p != super::provider::DevProvider::NAME) {
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
