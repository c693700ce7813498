//! An admin scheduling a new price for a tier, audited in the same
//! transaction.

use crate::billing::perk_launch::tier_not_found;
use crate::db::audit_log::{self, AuditEntry};
use crate::db::price_changes::{self, NewPriceChange, PriceChangeRow};
use crate::db::{self, Database};
use crate::domain::{PriceChangeId, PriceRequest, ScheduledPrice};
use crate::error::ApiError;

/// The raw fields of the request, owned so they cross into the pool.
#[derive(Debug, Clone, Default)]
pub struct PriceInput {
    /// `month` or `year`.
    pub interval: Option<String>,
    /// ISO 4217.
    pub currency: Option<String>,
    /// Minor units.
    pub amount: Option<i64>,
    /// RFC 3339.
    pub effective_at: Option<String>,
}

/// Schedules `input` for `tier` at least `notice_days` ahead, recording
/// `audit`; 404 `tier_not_found`, 422 with a field error per bad field.
pub async fn schedule_price(
    db: &Database,
    tier: String,
    input: PriceInput,
    notice_days: i64,
    audit: AuditEntry,
) -> Result<PriceChangeRow, ApiError> {
    db.run(move |conn| {
        db::write_transaction(conn, |conn| {
            let now = chrono::Utc::now().naive_utc();
            let current = db::tiers::find(conn, &tier)?.ok_or_else(tier_not_found)?;
            let raw = PriceRequest {
                interval: input.interval.as_deref(),
                currency: input.currency.as_deref(),
                amount: input.amount,
                effective_at: input.effective_at.as_deref(),
            };
            let sold_in = |interval, currency: &_| {
                current
                    .prices
                    .iter()
                    .any(|p| p.interval == interval && &p.currency == currency)
            };
            let price = ScheduledPrice::parse(&raw, sold_in, notice_days, now)
                .map_err(ApiError::Validation)?;
            let id = PriceChangeId::generate();
            price_changes::insert(
                conn,
                &NewPriceChange {
                    id: &id,
                    tier: &tier,
                    interval: price.interval,
                    currency: &price.currency,
                    amount: price.amount,
                    effective_at: price.effective_at,
                },
                now,
            )?;
            let details = serde_json::json!({
                "tier": tier,
                "interval": price.interval.as_str(),
                "currency": price.currency.as_str(),
                "amount_cents": price.amount.get(),
                "effective_at": crate::domain::rfc3339_seconds_naive(price.effective_at),
            });
            let audit = AuditEntry {
                target_id: id.as_str().to_owned(),
                ..audit
            };
            audit_log::record(conn, &audit.details(&details).at(now))?;
            price_changes::find(conn, id.as_str())?
                .ok_or_else(|| anyhow::anyhow!("the price change just stored is gone").into())
        })
    })
    .await
}
