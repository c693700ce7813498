//! The `offers` aggregate: named, time-boxed offers, the tiers and
//! intervals each covers, and their redemptions. A redemption is counted
//! when a checkout completes, by a conditional UPDATE that never lets the
//! count pass the limit, so two checkouts racing for the last redemption
//! cannot both take it; the checkout is the redemption's key, so a
//! confirmation delivered twice counts once.

use super::DbConnection;
use super::schema::{offer_plans, offer_redemptions, offers};
use super::unique::insert_unless_taken;
use crate::domain::{
    AmountCents, Benefit, BillingInterval, CheckoutId, Currency, OfferCode, OfferWindow, ReaderId,
    SubscriptionId,
};
use chrono::NaiveDateTime;
use diesel::prelude::*;

/// An offer as stored.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = offers)]
pub struct OfferRow {
    pub code: String,
    pub name: String,
    pub percent_off: Option<i32>,
    pub amount_off_cents: Option<i64>,
    pub currency: Option<String>,
    pub trial_days: i32,
    pub duration_months: Option<i32>,
    pub listed: i32,
    pub max_redemptions: Option<i32>,
    pub redemptions: i32,
    pub starts_at: NaiveDateTime,
    pub ends_at: Option<NaiveDateTime>,
    pub archived_at: Option<NaiveDateTime>,
    pub stripe_coupon_id: Option<String>,
    pub created_by: String,
    pub created_at: NaiveDateTime,
}

/// An offer with the plans it covers.
#[derive(Debug, Clone)]
pub struct Offer {
    /// The stored row.
    pub row: OfferRow,
    /// The tiers and intervals it covers.
    pub plans: Vec<(String, BillingInterval)>,
}

impl OfferRow {
    /// The typed code.
    pub fn offer_code(&self) -> OfferCode {
        OfferCode::from_db(self.code.clone())
    }

    /// What the offer gives; `None` for a stored combination this build
    /// cannot read (it is then never applied).
    pub fn benefit(&self) -> Option<Benefit> {
        match (self.percent_off, self.amount_off_cents, self.trial_days) {
            (Some(percent), None, 0) => u32::try_from(percent).ok().map(Benefit::PercentOff),
            (None, Some(amount), 0) => Some(Benefit::AmountOff(
                AmountCents::parse(amount).ok()?,
                Currency::parse(self.currency.clone()?).ok()?,
            )),
            (None, None, days) if days > 0 => u32::try_from(days).ok().map(Benefit::TrialDays),
            _ => None,
        }
    }

    /// How long a discount lasts, in months; `None`: forever.
    pub fn duration_months(&self) -> Option<u32> {
        self.duration_months.and_then(|m| u32::try_from(m).ok())
    }

    /// When and how often it may be redeemed.
    pub fn window(&self) -> OfferWindow {
        OfferWindow {
            starts_at: self.starts_at,
            ends_at: self.ends_at,
            archived_at: self.archived_at,
            redemptions: u32::try_from(self.redemptions).unwrap_or(0),
            max_redemptions: self.max_redemptions.and_then(|m| u32::try_from(m).ok()),
        }
    }
}

impl Offer {
    /// Whether it covers `tier` billed every `interval`.
    pub fn covers(&self, tier: &str, interval: BillingInterval) -> bool {
        self.plans.iter().any(|(t, i)| t == tier && *i == interval)
    }
}

/// An offer to store.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = offers)]
pub struct NewOffer<'a> {
    pub code: &'a str,
    pub name: &'a str,
    pub percent_off: Option<i32>,
    pub amount_off_cents: Option<i64>,
    pub currency: Option<&'a str>,
    pub trial_days: i32,
    pub duration_months: Option<i32>,
    pub listed: i32,
    pub max_redemptions: Option<i32>,
    pub starts_at: NaiveDateTime,
    pub ends_at: Option<NaiveDateTime>,
    pub created_by: &'a str,
    pub created_at: NaiveDateTime,
}

/// Stores `offer` covering `plans`; `false` when its code is taken.
pub fn insert(
    conn: &mut DbConnection,
    offer: &NewOffer<'_>,
    plans: &[(String, BillingInterval)],
) -> QueryResult<bool> {
    let stored = insert_unless_taken(conn, |conn| {
        diesel::insert_into(offers::table)
            .values(offer)
            .execute(conn)
    })?;
    if !stored {
        return Ok(false);
    }
    for (tier, interval) in plans {
        diesel::insert_into(offer_plans::table)
            .values((
                offer_plans::offer_code.eq(offer.code),
                offer_plans::tier_id.eq(tier),
                offer_plans::billing_interval.eq(interval.as_str()),
            ))
            .execute(conn)?;
    }
    Ok(true)
}

fn with_plans(conn: &mut DbConnection, rows: Vec<OfferRow>) -> QueryResult<Vec<Offer>> {
    let codes: Vec<&str> = rows.iter().map(|row| row.code.as_str()).collect();
    let plans: Vec<(String, String, String)> = offer_plans::table
        .filter(offer_plans::offer_code.eq_any(&codes))
        .order((
            offer_plans::tier_id.asc(),
            offer_plans::billing_interval.asc(),
        ))
        .select((
            offer_plans::offer_code,
            offer_plans::tier_id,
            offer_plans::billing_interval,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|row| {
            let plans = plans
                .iter()
                .filter(|(code, _, _)| *code == row.code)
                .filter_map(|(_, tier, interval)| {
                    BillingInterval::parse(interval).map(|i| (tier.clone(), i))
                })
                .collect();
            Offer { row, plans }
        })
        .collect())
}

/// The offer with `code`, archived or not.
pub fn find(conn: &mut DbConnection, code: &OfferCode) -> QueryResult<Option<Offer>> {
    let row = offers::table
        .find(code.as_str())
        .select(OfferRow::as_select())
        .first(conn)
        .optional()?;
    Ok(with_plans(conn, row.into_iter().collect())?.pop())
}

/// Every offer, newest first.
pub fn all(conn: &mut DbConnection) -> QueryResult<Vec<Offer>> {
    let rows = offers::table
        .order((offers::created_at.desc(), offers::code.asc()))
        .select(OfferRow::as_select())
        .load(conn)?;
    with_plans(conn, rows)
}

/// The listed offers a reader could redeem at `now` (not archived, begun,
/// not ended); the caller drops the exhausted ones.
pub fn listed_at(conn: &mut DbConnection, now: NaiveDateTime) -> QueryResult<Vec<Offer>> {
    let rows = offers::table
        .filter(offers::listed.eq(1))
        .filter(offers::archived_at.is_null())
        .filter(offers::starts_at.le(now))
        .filter(offers::ends_at.is_null().or(offers::ends_at.gt(now)))
        .order(offers::code.asc())
        .select(OfferRow::as_select())
        .load(conn)?;
    with_plans(conn, rows)
}

/// Archives the offer; `false` when it was archived already.
pub fn archive(conn: &mut DbConnection, code: &OfferCode, now: NaiveDateTime) -> QueryResult<bool> {
    let archived = diesel::update(
        offers::table
            .find(code.as_str())
            .filter(offers::archived_at.is_null()),
    )
    .set(offers::archived_at.eq(now))
    .execute(conn)?;
    Ok(archived == 1)
}

/// What counting a redemption did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Redemption {
    /// This checkout took one of the offer's redemptions.
    Counted,
    /// This checkout was counted before (a repeated confirmation).
    AlreadyCounted,
    /// Every redemption is taken; nothing was written.
    Exhausted,
}

/// One checkout's redemption of an offer.
#[derive(Debug, Clone, Copy)]
pub struct Redeemed<'a> {
    /// The offer.
    pub code: &'a OfferCode,
    /// The completed checkout that redeemed it (the key).
    pub checkout: &'a CheckoutId,
    /// Who.
    pub reader: &'a ReaderId,
    /// The subscription the checkout created.
    pub subscription: &'a SubscriptionId,
}

/// Counts `checkout`'s redemption of `code` (one per checkout), unless the
/// limit is reached: the count rises by a conditional UPDATE, so of two
/// checkouts racing for the last redemption one gets `Exhausted`.
pub fn redeem(
    conn: &mut DbConnection,
    redeemed: &Redeemed<'_>,
    now: NaiveDateTime,
) -> QueryResult<Redemption> {
    let (code, checkout) = (redeemed.code, redeemed.checkout);
    let counted_before = offer_redemptions::table
        .find(checkout.as_str())
        .count()
        .get_result::<i64>(conn)?
        > 0;
    if counted_before {
        return Ok(Redemption::AlreadyCounted);
    }
    let raised = diesel::update(
        offers::table.find(code.as_str()).filter(
            offers::max_redemptions
                .is_null()
                .or(offers::redemptions.lt(offers::max_redemptions.assume_not_null())),
        ),
    )
    .set(offers::redemptions.eq(offers::redemptions + 1))
    .execute(conn)?;
    if raised == 0 {
        return Ok(Redemption::Exhausted);
    }
    record_redemption(conn, redeemed, now)?;
    Ok(Redemption::Counted)
}

/// Records that `checkout` redeemed `code` without raising the count: for
/// money a provider already took at the discount after the limit was
/// reached here (its own limit should have stopped it), so staff see it.
pub fn record_redemption(
    conn: &mut DbConnection,
    redeemed: &Redeemed<'_>,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    insert_unless_taken(conn, |conn| {
        diesel::insert_into(offer_redemptions::table)
            .values((
                offer_redemptions::checkout_id.eq(redeemed.checkout.as_str()),
                offer_redemptions::offer_code.eq(redeemed.code.as_str()),
                offer_redemptions::reader_id.eq(redeemed.reader.as_str()),
                offer_redemptions::subscription_id.eq(redeemed.subscription.as_str()),
                offer_redemptions::redeemed_at.eq(now),
            ))
            .execute(conn)
    })
}

/// Remembers the provider's coupon for the offer unless one is set (by a
/// concurrent checkout); returns the coupon in effect.
pub fn remember_stripe_coupon(
    conn: &mut DbConnection,
    code: &OfferCode,
    coupon: &str,
) -> QueryResult<String> {
    diesel::update(
        offers::table
            .find(code.as_str())
            .filter(offers::stripe_coupon_id.is_null()),
    )
    .set(offers::stripe_coupon_id.eq(coupon))
    .execute(conn)?;
    offers::table
        .find(code.as_str())
        .select(offers::stripe_coupon_id)
        .first::<Option<String>>(conn)?
        .ok_or(diesel::result::Error::NotFound)
}
