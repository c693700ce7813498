//! What a checkout is quoted beyond its price: the offer it redeems (if
//! the code names one it may), the discount off each of the first
//! payments, and the free trial it is due (the price's own days plus an
//! offer's; none for a reader who had their trial). A reader whose gift
//! subscription is running gets, instead of a trial, the gift's remaining
//! days: the first payment falls when the gift ends, and their one free
//! trial stays unused. The checkout records the quote, so both providers
//! charge what it says.

use super::offer_not_found;
use crate::db::offers::{self, Offer};
use crate::db::tiers::{Tier, TierPrice};
use crate::db::{DbConnection, trials};
use crate::domain::{
    Benefit, MAX_TRIAL_DAYS, OfferCode, ReaderId, SubscriptionState, Unavailable,
    discounted_payments,
};
use crate::error::ApiError;
use chrono::NaiveDateTime;

/// A checkout's terms.
#[derive(Debug, Clone, Default)]
pub struct Quote {
    /// The offer it redeems.
    pub offer: Option<Offer>,
    /// Free days before the first payment (0: none).
    pub trial_days: u32,
    /// The amount off each discounted payment, in minor units.
    pub discount_cents: i64,
    /// How many payments the discount covers; `None`: every one (a
    /// discount forever, or no discount at all, whose amount is 0).
    pub discount_payments: Option<u32>,
    /// How many of `trial_days` are a running gift's rest (then all of
    /// them): not a trial.
    pub gift_days: u32,
}

/// The whole days left of `reader`'s running gift at `now` (rounded up, so
/// the first payment never falls inside the gift), if one is running.
fn gift_days_left(
    conn: &mut DbConnection,
    reader: &ReaderId,
    now: NaiveDateTime,
) -> Result<Option<u32>, ApiError> {
    let now = now.and_utc();
    let end = crate::db::subscriptions::snapshots_for_reader(conn, reader)?
        .into_iter()
        .filter(|s| s.state == SubscriptionState::Gift && s.grants_access(now))
        .filter_map(|s| s.current_period_end)
        .max();
    Ok(end.map(|end| {
        let seconds = (end - now).num_seconds().max(0);
        let days = (seconds + 86_399) / 86_400;
        u32::try_from(days)
            .unwrap_or(MAX_TRIAL_DAYS)
            .min(MAX_TRIAL_DAYS)
    }))
}

/// The offer `code` names, if `reader` may redeem it on `tier` at
/// `price` now: 422 `offer_not_found` (no such offer, or not yet begun),
/// `offer_ended` (past its end, or archived), `offer_exhausted` (every
/// redemption taken), `offer_not_applicable` (not for this tier, interval
/// or currency), `trial_already_used` (an offer of free days for a reader
/// who had their trial).
fn offer_for(
    conn: &mut DbConnection,
    code: &OfferCode,
    tier: &Tier,
    price: &TierPrice,
    now: NaiveDateTime,
) -> Result<(Offer, Benefit), ApiError> {
    let offer = offers::find(conn, code)?.ok_or_else(|| {
        ApiError::unprocessable("offer_not_found", "there is no offer with this code")
    })?;
    let benefit = offer.row.benefit().ok_or_else(offer_not_found)?;
    match offer.row.window().check(now) {
        Ok(()) => {}
        Err(Unavailable::NotStarted) => {
            return Err(ApiError::unprocessable(
                "offer_not_found",
                "there is no offer with this code",
            ));
        }
        Err(Unavailable::Ended) => {
            return Err(ApiError::unprocessable(
                "offer_ended",
                "this offer has ended",
            ));
        }
        Err(Unavailable::Exhausted) => {
            return Err(ApiError::unprocessable(
                "offer_exhausted",
                "this offer has been redeemed as often as it may be",
            ));
        }
    }
    if !offer.covers(&tier.id, price.interval) || !benefit.applies_in(&price.currency) {
        return Err(ApiError::unprocessable(
            "offer_not_applicable",
            "this offer does not cover this tier, interval or currency; GET /v1/offers/{code} lists what it covers",
        ));
    }
    Ok((offer, benefit))
}

/// Quotes `reader`'s checkout of `tier` at `price` with the offer `code`.
pub(in crate::billing) fn quote(
    conn: &mut DbConnection,
    reader: &ReaderId,
    (tier, price): (&Tier, &TierPrice),
    code: Option<&OfferCode>,
    now: NaiveDateTime,
) -> Result<Quote, ApiError> {
    let redeemed = code
        .map(|code| offer_for(conn, code, tier, price, now))
        .transpose()?;
    let offer_days = redeemed.as_ref().map_or(0, |(_, b)| b.trial_days());
    let mut trial_days = (price.trial_days + offer_days).min(MAX_TRIAL_DAYS);
    let gift_days = gift_days_left(conn, reader, now)?.unwrap_or(0);
    if gift_days > 0 {
        // The gift's rest replaces any trial: free days already, and the
        // reader keeps their one trial for another time.
        trial_days = gift_days;
    } else if trial_days > 0 && trials::used(conn, reader)? {
        if offer_days > 0 {
            return Err(ApiError::unprocessable(
                "trial_already_used",
                "this offer gives free days, and you have had your free trial",
            ));
        }
        // The price's trial is for new subscribers: this one pays at once.
        trial_days = 0;
    }
    let (discount_cents, discount_payments) = match &redeemed {
        Some((offer, benefit)) if benefit.is_discount() => (
            benefit.discount_cents(price.amount),
            discounted_payments(offer.row.duration_months(), price.interval),
        ),
        _ => (0, None),
    };
    Ok(Quote {
        offer: redeemed.map(|(offer, _)| offer),
        trial_days,
        discount_cents,
        discount_payments,
        gift_days,
    })
}
