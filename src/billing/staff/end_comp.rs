//! Ending a comp before its end date.

use super::{StaffChange, find_locked, move_audited};
use crate::db::subscriptions::{SubscriptionChanges, SubscriptionRow};
use crate::db::{self, Database};
use crate::domain::{SubscriptionId, SubscriptionState};
use crate::error::ApiError;
use chrono::Utc;
use serde_json::json;

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
