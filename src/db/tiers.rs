//! The `tiers` aggregate: what the magazine sells, each tier with its perks
//! (`live` or `coming_soon`) and its prices. Read as typed values, so
//! callers never see the stored strings.

use super::DbConnection;
use super::price_changes::{self, PriceChangeRow};
use super::schema::{tier_perks, tier_prices, tiers};
use crate::domain::{AmountCents, BillingInterval, Currency, Perk, PerkStatus};
use chrono::{NaiveDateTime, Utc};
use diesel::prelude::*;

/// A tier with everything a subscribe page shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tier {
    /// The stable slug, e.g. `digital`.
    pub id: String,
    /// The name readers see.
    pub name: String,
    /// What the tier includes, in a sentence or two.
    pub description: String,
    /// Whether subscribing needs a shipping address (print).
    pub needs_shipping_address: bool,
    /// The tier's perks in `Perk` declaration order, each with its status.
    pub perks: Vec<(Perk, PerkStatus)>,
    /// The tier's prices, monthly before yearly.
    pub prices: Vec<TierPrice>,
}

/// One price of a tier.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TierPrice {
    /// How often it recurs.
    pub interval: BillingInterval,
    /// The amount in minor units.
    pub amount: AmountCents,
    /// The currency of the amount.
    pub currency: Currency,
    /// The payment provider's price id, once configured.
    pub stripe_price_id: Option<String>,
    /// The scheduled price (`price_changes`) this is, when one has taken
    /// effect; `None` for the tier's own price.
    pub scheduled: Option<String>,
    /// The free days before a new subscriber's first payment (0: none).
    pub trial_days: u32,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = tiers)]
struct TierRow {
    id: String,
    name: String,
    description: String,
    needs_shipping_address: i32,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = tier_perks)]
struct PerkRow {
    tier_id: String,
    perk: String,
    status: String,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = tier_prices)]
struct PriceRow {
    id: String,
    tier_id: String,
    billing_interval: String,
    amount_cents: i64,
    currency: String,
    stripe_price_id: Option<String>,
    trial_days: i32,
}

/// Every tier ordered by position, with perks and the prices in effect now.
pub fn all(conn: &mut DbConnection) -> QueryResult<Vec<Tier>> {
    all_at(conn, Utc::now().naive_utc())
}

/// Every tier ordered by position, with perks and the prices in effect at
/// `at` (four queries, whatever the number of tiers).
pub fn all_at(conn: &mut DbConnection, at: NaiveDateTime) -> QueryResult<Vec<Tier>> {
    let rows = tiers::table
        .order((tiers::position.asc(), tiers::id.asc()))
        .select(TierRow::as_select())
        .load(conn)?;
    let perks = tier_perks::table.select(PerkRow::as_select()).load(conn)?;
    let prices = tier_prices::table
        .select(PriceRow::as_select())
        .load(conn)?;
    let scheduled = price_changes::effective_by(conn, at)?;
    Ok(overlay(assemble(rows, &perks, &prices), &scheduled))
}

/// One tier by id with its perks and the prices in effect now; `None` when
/// there is no such tier, so a caller can answer with a field error rather
/// than a 404.
pub fn find(conn: &mut DbConnection, id: &str) -> QueryResult<Option<Tier>> {
    find_at(conn, id, Utc::now().naive_utc())
}

/// One tier with the prices in effect at `at` (what a renewal then is
/// charged).
pub fn find_at(conn: &mut DbConnection, id: &str, at: NaiveDateTime) -> QueryResult<Option<Tier>> {
    let Some(row) = tiers::table
        .find(id)
        .select(TierRow::as_select())
        .first(conn)
        .optional()?
    else {
        return Ok(None);
    };
    let perks = tier_perks::table
        .filter(tier_perks::tier_id.eq(id))
        .select(PerkRow::as_select())
        .load(conn)?;
    let prices = tier_prices::table
        .filter(tier_prices::tier_id.eq(id))
        .select(PriceRow::as_select())
        .load(conn)?;
    let scheduled = price_changes::effective_by(conn, at)?;
    Ok(overlay(assemble(vec![row], &perks, &prices), &scheduled).pop())
}

/// Replaces each tier price by the latest scheduled price of its tier,
/// interval and currency in `scheduled` (ordered by date), if any.
fn overlay(mut tiers: Vec<Tier>, scheduled: &[PriceChangeRow]) -> Vec<Tier> {
    for change in scheduled {
        let Some(tier) = tiers.iter_mut().find(|tier| tier.id == change.tier_id) else {
            continue;
        };
        let (Some(interval), Ok(amount)) =
            (change.interval(), AmountCents::parse(change.amount_cents))
        else {
            continue;
        };
        if let Some(price) = tier
            .prices
            .iter_mut()
            .find(|p| p.interval == interval && p.currency.as_str() == change.currency)
        {
            price.amount = amount;
            price.stripe_price_id.clone_from(&change.stripe_price_id);
            price.scheduled = Some(change.id.clone());
        }
    }
    tiers
}

/// Attaches perks and prices to their tiers. A stored value this build does
/// not know (a perk added by a newer version, say) is skipped with a
/// warning rather than failing the whole listing.
fn assemble(rows: Vec<TierRow>, perks: &[PerkRow], prices: &[PriceRow]) -> Vec<Tier> {
    rows.into_iter()
        .map(|row| {
            let mut tier_perks: Vec<(Perk, PerkStatus)> = perks
                .iter()
                .filter(|p| p.tier_id == row.id)
                .filter_map(|p| {
                    let parsed = Perk::parse(&p.perk).zip(PerkStatus::parse(&p.status));
                    if parsed.is_none() {
                        tracing::warn!(tier = %row.id, perk = %p.perk, status = %p.status, "skipping an unknown perk");
                    }
                    parsed
                })
                .collect();
            tier_perks.sort();
            let mut tier_prices: Vec<TierPrice> = prices
                .iter()
                .filter(|p| p.tier_id == row.id)
                .filter_map(price)
                .collect();
            tier_prices.sort_by(|a, b| {
                (a.interval == BillingInterval::Year, a.currency.as_str())
                    .cmp(&(b.interval == BillingInterval::Year, b.currency.as_str()))
            });
            Tier {
                perks: tier_perks,
                prices: tier_prices,
                needs_shipping_address: row.needs_shipping_address != 0,
                id: row.id,
                name: row.name,
                description: row.description,
            }
        })
        .collect()
}

/// The stored id of `tier`'s price for `interval` in `currency`: the
/// stable name of that price, from which provider idempotency keys derive.
pub fn price_id(
    conn: &mut DbConnection,
    tier: &str,
    interval: BillingInterval,
    currency: &Currency,
) -> QueryResult<Option<String>> {
    tier_prices::table
        .filter(tier_prices::tier_id.eq(tier))
        .filter(tier_prices::billing_interval.eq(interval.as_str()))
        .filter(tier_prices::currency.eq(currency.as_str()))
        .select(tier_prices::id)
        .first(conn)
        .optional()
}

/// Remembers the provider's price for the stored price `id`, unless one is
/// set already (configured by an admin, or by a concurrent checkout);
/// returns the provider price in effect, so every caller uses the same.
pub fn remember_stripe_price(
    conn: &mut DbConnection,
    id: &str,
    stripe_price_id: &str,
) -> QueryResult<String> {
    diesel::update(
        tier_prices::table
            .find(id)
            .filter(tier_prices::stripe_price_id.is_null()),
    )
    .set(tier_prices::stripe_price_id.eq(stripe_price_id))
    .execute(conn)?;
    tier_prices::table
        .find(id)
        .select(tier_prices::stripe_price_id)
        .first::<Option<String>>(conn)?
        .ok_or(diesel::result::Error::NotFound)
}

fn price(row: &PriceRow) -> Option<TierPrice> {
    let parsed = (
        BillingInterval::parse(&row.billing_interval),
        AmountCents::parse(row.amount_cents).ok(),
        Currency::parse(row.currency.clone()).ok(),
    );
    let (Some(interval), Some(amount), Some(currency)) = parsed else {
        tracing::warn!(price = %row.id, "skipping a price with an unknown interval, amount or currency");
        return None;
    };
    Some(TierPrice {
        interval,
        amount,
        currency,
        stripe_price_id: row.stripe_price_id.clone(),
        scheduled: None,
        trial_days: u32::try_from(row.trial_days).unwrap_or(0),
    })
}

/// Sets the provider's price for the stored price `id`, replacing any
/// earlier one: `masthead stripe setup` decides which price is current.
pub fn set_stripe_price(
    conn: &mut DbConnection,
    id: &str,
    stripe_price_id: &str,
) -> QueryResult<()> {
    diesel::update(tier_prices::table.find(id))
        .set(tier_prices::stripe_price_id.eq(stripe_price_id))
        .execute(conn)
        .map(drop)
}

/// Sets the free trial of `tier`'s price for `interval` in `currency`;
/// `false` when the tier has no such price.
pub fn set_trial_days(
    conn: &mut DbConnection,
    tier: &str,
    interval: BillingInterval,
    currency: &Currency,
    days: u32,
) -> QueryResult<bool> {
    let changed = diesel::update(
        tier_prices::table
            .filter(tier_prices::tier_id.eq(tier))
            .filter(tier_prices::billing_interval.eq(interval.as_str()))
            .filter(tier_prices::currency.eq(currency.as_str())),
    )
    .set(tier_prices::trial_days.eq(i32::try_from(days).unwrap_or(i32::MAX)))
    .execute(conn)?;
    Ok(changed == 1)
}

/// The status of `perk` on tier `tier`; `None` when the tier does not
/// hold the perk (or the stored status is one this build does not know).
pub fn perk_status(
    conn: &mut DbConnection,
    tier: &str,
    perk: Perk,
) -> QueryResult<Option<PerkStatus>> {
    let status: Option<String> = tier_perks::table
        .filter(tier_perks::tier_id.eq(tier))
        .filter(tier_perks::perk.eq(perk.as_str()))
        .select(tier_perks::status)
        .first(conn)
        .optional()?;
    Ok(status.as_deref().and_then(PerkStatus::parse))
}

/// Moves `perk` of `tier` from `from` to `to`, only if it is still `from`
/// (a conditional update: of two admins launching at once, one changes
/// it); returns whether it did.
pub fn change_perk_status(
    conn: &mut DbConnection,
    tier: &str,
    perk: Perk,
    from: PerkStatus,
    to: PerkStatus,
) -> QueryResult<bool> {
    let changed = diesel::update(
        tier_perks::table
            .filter(tier_perks::tier_id.eq(tier))
            .filter(tier_perks::perk.eq(perk.as_str()))
            .filter(tier_perks::status.eq(from.as_str())),
    )
    .set(tier_perks::status.eq(to.as_str()))
    .execute(conn)?;
    Ok(changed == 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn perk(tier: &str, perk: &str, status: &str) -> PerkRow {
        PerkRow {
            tier_id: tier.to_owned(),
            perk: perk.to_owned(),
            status: status.to_owned(),
        }
    }

    fn price(tier: &str, interval: &str, amount_cents: i64, currency: &str) -> PriceRow {
        PriceRow {
            id: format!("{tier}-{interval}-{currency}"),
            tier_id: tier.to_owned(),
            billing_interval: interval.to_owned(),
            amount_cents,
            currency: currency.to_owned(),
            stripe_price_id: None,
            trial_days: 0,
        }
    }

    #[test]
    fn unknown_stored_values_are_skipped_and_the_rest_sorted() {
        let rows = vec![TierRow {
            id: "digital".to_owned(),
            name: "Digital".to_owned(),
            description: String::new(),
            needs_shipping_address: 0,
        }];
        let perks = [
            perk("digital", "ad_free", "coming_soon"),
            perk("digital", "audio", "live"),
            perk("digital", "holograms", "live"),
            perk("digital", "archive", "someday"),
            perk("print", "print_edition", "live"),
        ];
        let prices = [
            price("digital", "year", 9000, "usd"),
            price("digital", "month", 900, "usd"),
            price("digital", "fortnight", 450, "usd"),
            price("digital", "month", -1, "usd"),
            price("digital", "month", 800, "us dollars"),
        ];
        let tiers = assemble(rows, &perks, &prices);
        assert_eq!(tiers.len(), 1);
        let tier = &tiers[0];
        assert_eq!(
            tier.perks,
            [
                (Perk::Audio, PerkStatus::Live),
                (Perk::AdFree, PerkStatus::ComingSoon)
            ]
        );
        let intervals: Vec<_> = tier
            .prices
            .iter()
            .map(|p| (p.interval, p.amount.get()))
            .collect();
        assert_eq!(
            intervals,
            [(BillingInterval::Month, 900), (BillingInterval::Year, 9000)]
        );
        assert!(!tier.needs_shipping_address);
    }
}
