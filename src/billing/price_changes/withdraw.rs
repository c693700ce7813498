//! An admin withdrawing a scheduled price before it takes effect (once it
//! has, subscribers are being moved to it: schedule another instead).

use super::price_change_not_found;
use crate::db::audit_log::{self, AuditEntry};
use crate::db::{self, Database, price_changes};
use crate::error::ApiError;

/// Withdraws the scheduled price `id` of `tier`, recording `audit`: 404
/// `price_change_not_found`, 409 `price_change_in_effect` once its date
/// has passed. Subscribers already told are not told again.
pub async fn withdraw_price(
    db: &Database,
    tier: String,
    id: String,
    audit: AuditEntry,
) -> Result<(), ApiError> {
    db.run(move |conn| {
        db::write_transaction(conn, |conn| {
            let now = chrono::Utc::now().naive_utc();
            let row = price_changes::find(conn, &id)?
                .filter(|row| row.tier_id == tier)
                .ok_or_else(price_change_not_found)?;
            if !price_changes::withdraw(conn, &tier, &id, now)? {
                return Err(ApiError::conflict(
                    "price_change_in_effect",
                    "this price has taken effect already; schedule another to change it",
                ));
            }
            let details = serde_json::json!({
                "interval": row.billing_interval,
                "currency": row.currency,
                "amount_cents": row.amount_cents,
                "effective_at": crate::domain::rfc3339_seconds_naive(row.effective_at),
            });
            audit_log::record(conn, &audit.details(&details).at(now))?;
            Ok(())
        })
    })
    .await
}
