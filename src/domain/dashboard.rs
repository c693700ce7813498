//! The business figures of the staff dashboard, as pure arithmetic over
//! rows the database hands over. The definitions (docs/dashboard.md):
//!
//! - **MRR**, per currency: what the paying subscriptions (active,
//!   canceling, past due) will be charged at their next renewal, at their
//!   tier's current price in their checkout's currency, net of a discount
//!   still running, excluding tax; yearly prices divided by 12. Trials,
//!   gifts and comps pay nothing and count nothing.
//! - **Churn** of a period: paid subscriptions that ended in it (expired,
//!   refunded, or canceled at period end, which expires) over the paid
//!   subscriptions active at its start.
//! - Weeks start on Monday, months on the 1st, at 00:00 UTC.

use super::BillingInterval;
use chrono::{Datelike, Duration, Months, NaiveDate, NaiveDateTime};
use std::collections::BTreeMap;

/// The length of one row of the dashboard's table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DashboardPeriod {
    /// Monday to Sunday.
    Week,
    /// A calendar month.
    Month,
}

impl DashboardPeriod {
    /// Parses `week` or `month`.
    pub fn parse(raw: &str) -> Option<Self> {
        match raw {
            "week" => Some(Self::Week),
            "month" => Some(Self::Month),
            _ => None,
        }
    }

    /// The name, as the query takes it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Week => "week",
            Self::Month => "month",
        }
    }

    /// The start of the period holding `at`.
    pub fn start_of(self, at: NaiveDateTime) -> NaiveDateTime {
        let day = at.date();
        let first = match self {
            Self::Week => day - Duration::days(i64::from(day.weekday().num_days_from_monday())),
            Self::Month => NaiveDate::from_ymd_opt(day.year(), day.month(), 1).unwrap_or(day),
        };
        first.and_hms_opt(0, 0, 0).unwrap_or(at)
    }

    /// The start of the period after the one starting at `start`.
    pub fn next(self, start: NaiveDateTime) -> NaiveDateTime {
        match self {
            Self::Week => start + Duration::days(7),
            Self::Month => start.checked_add_months(Months::new(1)).unwrap_or(start),
        }
    }

    /// The `count` periods up to and including the one holding `now`, as
    /// `[start, end)` pairs, oldest first.
    pub fn last(self, count: usize, now: NaiveDateTime) -> Vec<(NaiveDateTime, NaiveDateTime)> {
        let mut start = self.start_of(now);
        let mut periods = Vec::with_capacity(count);
        for _ in 0..count {
            periods.push((start, self.next(start)));
            let before = start - Duration::seconds(1);
            start = self.start_of(before);
        }
        periods.reverse();
        periods
    }
}

/// One paying subscription, as the MRR needs it.
#[derive(Debug, Clone)]
pub struct PayingSubscription {
    /// Its tier.
    pub tier: String,
    /// How often it renews.
    pub interval: BillingInterval,
    /// The currency it pays in.
    pub currency: String,
    /// When the first payment was (or is) due: its start plus its free days.
    pub first_payment_at: NaiveDateTime,
    /// A discount per payment from its checkout's offer, in minor units.
    pub discount_cents: i64,
    /// For how many payments the discount runs (`None`: forever).
    pub discount_payments: Option<i32>,
}

/// A tier's current price: `(tier, interval, currency)` → minor units.
pub type PriceList = BTreeMap<(String, BillingInterval, String), i64>;

/// MRR per currency, in minor units, and how many paying subscriptions
/// had no price in their currency (left out, and reported).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Mrr {
    /// Currency (as stored, lower case) → monthly minor units.
    pub by_currency: BTreeMap<String, i64>,
    /// Subscriptions whose tier has no price in their interval and currency.
    pub unpriced: usize,
}

/// The MRR of `paying` at `now` under `prices`.
pub fn mrr(paying: &[PayingSubscription], prices: &PriceList, now: NaiveDateTime) -> Mrr {
    let mut monthly: BTreeMap<String, i64> = BTreeMap::new();
    let mut yearly: BTreeMap<String, i64> = BTreeMap::new();
    let mut unpriced = 0;
    for subscription in paying {
        let key = (
            subscription.tier.clone(),
            subscription.interval,
            subscription.currency.clone(),
        );
        let Some(&price) = prices.get(&key) else {
            unpriced += 1;
            continue;
        };
        let charge = (price - discount_now(subscription, now)).max(0);
        let sums = match subscription.interval {
            BillingInterval::Month => &mut monthly,
            BillingInterval::Year => &mut yearly,
        };
        *sums.entry(subscription.currency.clone()).or_default() += charge;
    }
    // Yearly charges are summed first and divided once, so a thousand
    // yearly subscribers do not lose a thousand roundings.
    for (currency, cents) in yearly {
        *monthly.entry(currency).or_default() += (cents + 6) / 12;
    }
    Mrr {
        by_currency: monthly,
        unpriced,
    }
}

/// The discount the next renewal of `subscription` still gets at `now`.
fn discount_now(subscription: &PayingSubscription, now: NaiveDateTime) -> i64 {
    if subscription.discount_cents <= 0 {
        return 0;
    }
    let Some(limit) = subscription.discount_payments else {
        return subscription.discount_cents;
    };
    let made = payments_made(subscription.interval, subscription.first_payment_at, now);
    if made < i64::from(limit) {
        subscription.discount_cents
    } else {
        0
    }
}

/// How many payments a subscription renewing every `interval` from
/// `first` has made by `now` (the first one included once it is due).
fn payments_made(interval: BillingInterval, first: NaiveDateTime, now: NaiveDateTime) -> i64 {
    let mut made = 0;
    let mut due = first;
    while due <= now && made < 10_000 {
        made += 1;
        match interval.period_end(due) {
            Some(next) => due = next,
            None => break,
        }
    }
    made
}

/// `part` over `whole` as a percentage with one decimal, or `None` when
/// there is no whole.
pub fn percent(part: i64, whole: i64) -> Option<f64> {
    if whole <= 0 {
        return None;
    }
    #[expect(clippy::cast_precision_loss, reason = "counts far below 2^52")]
    let ratio = part as f64 * 100.0 / whole as f64;
    Some((ratio * 10.0).round() / 10.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M").unwrap()
    }

    fn paying(interval: BillingInterval, currency: &str) -> PayingSubscription {
        PayingSubscription {
            tier: "digital".into(),
            interval,
            currency: currency.into(),
            first_payment_at: at("2026-01-15 10:00"),
            discount_cents: 0,
            discount_payments: None,
        }
    }

    fn prices() -> PriceList {
        let mut prices = PriceList::new();
        prices.insert(
            ("digital".into(), BillingInterval::Month, "usd".into()),
            900,
        );
        prices.insert(
            ("digital".into(), BillingInterval::Year, "usd".into()),
            9_000,
        );
        prices.insert(
            ("digital".into(), BillingInterval::Month, "eur".into()),
            800,
        );
        prices
    }

    #[test]
    fn weeks_start_on_monday_and_months_on_the_first() {
        let wednesday = at("2026-12-02 15:30");
        assert_eq!(
            DashboardPeriod::Week.start_of(wednesday),
            at("2026-11-30 00:00")
        );
        assert_eq!(
            DashboardPeriod::Month.start_of(wednesday),
            at("2026-12-01 00:00")
        );
        let months = DashboardPeriod::Month.last(3, wednesday);
        assert_eq!(
            months,
            [
                (at("2026-10-01 00:00"), at("2026-11-01 00:00")),
                (at("2026-11-01 00:00"), at("2026-12-01 00:00")),
                (at("2026-12-01 00:00"), at("2027-01-01 00:00")),
            ]
        );
        let weeks = DashboardPeriod::Week.last(2, wednesday);
        assert_eq!(weeks[0], (at("2026-11-23 00:00"), at("2026-11-30 00:00")));
    }

    #[test]
    fn mrr_divides_yearly_prices_by_twelve_per_currency() {
        let subscriptions = [
            paying(BillingInterval::Month, "usd"),
            paying(BillingInterval::Year, "usd"),
            paying(BillingInterval::Year, "usd"),
            paying(BillingInterval::Month, "eur"),
        ];
        let mrr = mrr(&subscriptions, &prices(), at("2026-06-01 00:00"));
        assert_eq!(mrr.by_currency["usd"], 900 + 18_000 / 12);
        assert_eq!(mrr.by_currency["eur"], 800);
        assert_eq!(mrr.unpriced, 0);
    }

    #[test]
    fn mrr_is_net_of_a_discount_only_while_it_runs() {
        let mut three_months = paying(BillingInterval::Month, "usd");
        three_months.discount_cents = 450;
        three_months.discount_payments = Some(3);
        let mut forever = paying(BillingInterval::Month, "usd");
        forever.discount_cents = 100;
        // 2026-02-20: payments on Jan 15 and Feb 15 made; the third still discounted.
        let during = mrr(
            &[three_months.clone(), forever.clone()],
            &prices(),
            at("2026-02-20 00:00"),
        );
        assert_eq!(during.by_currency["usd"], 450 + 800);
        // 2026-03-20: three payments made; the discount is over.
        let after = mrr(&[three_months, forever], &prices(), at("2026-03-20 00:00"));
        assert_eq!(after.by_currency["usd"], 900 + 800);
    }

    #[test]
    fn a_subscription_without_a_price_in_its_currency_is_counted_apart() {
        let mrr = mrr(
            &[paying(BillingInterval::Year, "eur")],
            &prices(),
            at("2026-06-01 00:00"),
        );
        assert!(mrr.by_currency.is_empty());
        assert_eq!(mrr.unpriced, 1);
    }

    #[test]
    fn percentages_have_one_decimal_and_no_zero_division() {
        assert_eq!(percent(1, 3), Some(33.3));
        assert_eq!(percent(0, 0), None);
    }
}
