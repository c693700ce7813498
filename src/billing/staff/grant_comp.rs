//! Granting a reader a complimentary subscription, and telling them so
//! (the email queued in the grant's transaction).

use super::StaffChange;
use crate::db::audit_log;
use crate::db::subscriptions::{self, NewSubscription, SubscriptionRow};
use crate::db::{self, Database, readers, tiers};
use crate::domain::{FieldError, ReaderId, SubscriptionId, SubscriptionState};
use crate::error::ApiError;
use crate::mail::Letters;
use chrono::{DateTime, Utc};
use diesel::OptionalExtension;
use serde_json::json;

/// Grants `reader` a complimentary subscription to `tier` until `until`.
/// 404 for an unknown reader, 422 for an unknown tier or a past end, 409
/// when the reader already holds a live comp of that tier. The caller
/// wakes the queue after (the reader's `comp_granted` email).
pub async fn grant_comp(
    db: &Database,
    letters: &std::sync::Arc<Letters>,
    reader: &ReaderId,
    tier: String,
    until: DateTime<Utc>,
    change: StaffChange,
) -> Result<SubscriptionRow, ApiError> {
    let reader = reader.clone();
    let letters = std::sync::Arc::clone(letters);
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
            let comp = subscriptions::find(conn, &id)?;
            crate::billing::notices::queue_comp_granted(conn, &letters, &comp)?;
            Ok(comp)
        })
    })
    .await
}
