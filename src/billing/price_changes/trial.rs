//! An admin setting the free trial of a tier's price: new checkouts of
//! that price get the days (readers who had their trial excepted);
//! subscriptions already started keep what they were quoted. Audited in
//! the same transaction.

use super::list::TierPrices;
use crate::billing::perk_launch::tier_not_found;
use crate::db::audit_log::{self, AuditEntry};
use crate::db::{self, Database, price_changes, tiers};
use crate::domain::{BillingInterval, Currency, FieldError, MAX_TRIAL_DAYS};
use crate::error::ApiError;

/// The raw fields of the request.
#[derive(Debug, Clone, Default)]
pub struct TrialInput {
    /// `month` or `year`.
    pub interval: Option<String>,
    /// ISO 4217; needed when the tier sells the interval in several.
    pub currency: Option<String>,
    /// 0 (no trial) to 730.
    pub trial_days: Option<i64>,
}

fn days(raw: Option<i64>) -> Result<u32, FieldError> {
    raw.and_then(|d| u32::try_from(d).ok())
        .filter(|d| *d <= MAX_TRIAL_DAYS)
        .ok_or_else(|| {
            FieldError::new(
                "out_of_range",
                format!("from 0 (no trial) to {MAX_TRIAL_DAYS} free days"),
            )
        })
}

/// Sets the trial of `tier`'s price `input` names; 404 `tier_not_found`,
/// 422 per bad field (`price_not_offered` for a price the tier lacks).
pub async fn set_trial_days(
    db: &Database,
    tier: String,
    input: TrialInput,
    audit: AuditEntry,
) -> Result<TierPrices, ApiError> {
    db.run(move |conn| {
        db::write_transaction(conn, |conn| {
            let now = chrono::Utc::now().naive_utc();
            let current = tiers::find(conn, &tier)?.ok_or_else(tier_not_found)?;
            crate::parse_fields! {
                interval = "interval" => input
                    .interval
                    .as_deref()
                    .and_then(BillingInterval::parse)
                    .ok_or_else(|| FieldError::new("invalid_interval", "the interval is `month` or `year`")),
                currency = "currency" => input.currency.clone().map(Currency::parse).transpose(),
                trial_days = "trial_days" => days(input.trial_days),
            }
            let price = crate::billing::price_for(&current, interval, currency.as_ref())
                .map_err(ApiError::invalid_field)?;
            tiers::set_trial_days(conn, &tier, interval, &price.currency, trial_days)?;
            let details = serde_json::json!({
                "tier": tier,
                "interval": interval.as_str(),
                "currency": price.currency.as_str(),
                "trial_days": trial_days,
                "previous_trial_days": price.trial_days,
            });
            let audit = AuditEntry {
                target_id: format!("{tier}/{}/{}", interval.as_str(), price.currency.as_str()),
                ..audit
            };
            audit_log::record(conn, &audit.details(&details).at(now))?;
            let current = tiers::find(conn, &tier)?.ok_or_else(tier_not_found)?;
            Ok(TierPrices {
                current: current.prices,
                scheduled: price_changes::of_tier(conn, &tier)?,
            })
        })
    })
    .await
}
