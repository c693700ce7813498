//! The prices of a tier an admin sees: those in effect now and every
//! scheduled one.

use crate::billing::perk_launch::tier_not_found;
use crate::db::Database;
use crate::db::price_changes::{self, PriceChangeRow};
use crate::db::tiers::{self, TierPrice};
use crate::error::ApiError;

/// A tier's prices now and scheduled.
#[derive(Debug, Clone)]
pub struct TierPrices {
    /// The prices in effect now (a scheduled one once its date passed).
    pub current: Vec<TierPrice>,
    /// Every scheduled price, by date (past ones included).
    pub scheduled: Vec<PriceChangeRow>,
}

/// The prices of `tier`; 404 `tier_not_found`.
pub async fn list_prices(db: &Database, tier: String) -> Result<TierPrices, ApiError> {
    db.run(move |conn| {
        let current = tiers::find(conn, &tier)?.ok_or_else(tier_not_found)?;
        Ok(TierPrices {
            current: current.prices,
            scheduled: price_changes::of_tier(conn, &tier)?,
        })
    })
    .await
}

/// Every tier in order, each with its prices now and scheduled: the staff
/// console's tiers page.
pub async fn list_all_prices(db: &Database) -> Result<Vec<(tiers::Tier, TierPrices)>, ApiError> {
    db.run(move |conn| {
        let mut all = Vec::new();
        for tier in tiers::all(conn)? {
            let prices = TierPrices {
                current: tier.prices.clone(),
                scheduled: price_changes::of_tier(conn, &tier.id)?,
            };
            all.push((tier, prices));
        }
        Ok(all)
    })
    .await
}
