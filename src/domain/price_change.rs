//! The rules of a price change for a tier: what an admin may schedule, and
//! at which renewal an existing subscriber moves to it. No I/O and no
//! clock: the caller passes `now`.
//!
//! A subscriber must be told a set number of days (the notice) before the
//! first renewal charged at the new price, so a price is scheduled at
//! least that far ahead, and a subscriber told later (one who subscribed
//! after it was scheduled) moves at the first renewal both after the
//! effective date and at least the notice after being told.

use super::{AmountCents, BillingInterval, Currency, FieldError, sane_amount};
use chrono::{Duration, NaiveDateTime};

/// A price an admin asked to schedule, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScheduledPrice {
    /// The interval it recurs over.
    pub interval: BillingInterval,
    /// Its currency (one the tier already sells in for that interval).
    pub currency: Currency,
    /// The amount in minor units, above zero.
    pub amount: AmountCents,
    /// When it takes effect.
    pub effective_at: NaiveDateTime,
}

/// The raw fields of a request to schedule a price.
#[derive(Debug, Clone, Default)]
pub struct PriceRequest<'a> {
    /// `month` or `year`.
    pub interval: Option<&'a str>,
    /// An ISO 4217 code.
    pub currency: Option<&'a str>,
    /// Minor units.
    pub amount: Option<i64>,
    /// RFC 3339.
    pub effective_at: Option<&'a str>,
}

impl ScheduledPrice {
    /// Checks every field and reports all the bad ones: the interval one of
    /// `month`, `year`; the currency one of `sold_in` (the currencies the
    /// tier has a price in for that interval); the amount above zero and
    /// sane; the date at least `notice_days` after `now`.
    pub fn parse(
        raw: &PriceRequest<'_>,
        sold_in: impl Fn(BillingInterval, &Currency) -> bool,
        notice_days: i64,
        now: NaiveDateTime,
    ) -> Result<Self, Vec<FieldError>> {
        let mut errors = Vec::new();
        let interval = raw.interval.map(str::trim).and_then(BillingInterval::parse);
        if interval.is_none() {
            errors.push(
                FieldError::new("invalid_interval", "the interval is `month` or `year`")
                    .at("interval"),
            );
        }
        let currency = match Currency::parse(raw.currency.unwrap_or_default().to_owned()) {
            Ok(currency) => match interval {
                Some(interval) if !sold_in(interval, &currency) => {
                    errors.push(
                        FieldError::new(
                            "unknown_currency",
                            "the tier has no price in this currency for this interval",
                        )
                        .at("currency"),
                    );
                    None
                }
                _ => Some(currency),
            },
            Err(error) => {
                errors.push(error.at("currency"));
                None
            }
        };
        let amount = match raw.amount {
            None => Err(FieldError::new(
                "required",
                "an amount in minor units is required",
            )),
            Some(amount) if amount <= 0 => Err(FieldError::new(
                "non_positive_amount",
                "a new price is above zero",
            )),
            Some(amount)
                if !sane_amount(amount, currency.as_ref().map_or("usd", Currency::as_str)) =>
            {
                Err(FieldError::new(
                    "amount_too_large",
                    "the amount is beyond any sane price",
                ))
            }
            Some(amount) => AmountCents::parse(amount),
        };
        let amount = amount.map_err(|e| errors.push(e.at("amount"))).ok();
        let effective_at = match super::parse_instant(raw.effective_at) {
            Ok(at) if at.naive_utc() < now + Duration::days(notice_days) => {
                errors.push(
                    FieldError::new(
                        "too_soon",
                        format!(
                            "a new price takes effect at least {notice_days} days ahead, so every subscriber can be told before it applies"
                        ),
                    )
                    .at("effective_at"),
                );
                None
            }
            Ok(at) => Some(at.naive_utc()),
            Err(error) => {
                errors.push(error.at("effective_at"));
                None
            }
        };
        match (interval, currency, amount, effective_at) {
            (Some(interval), Some(currency), Some(amount), Some(effective_at))
                if errors.is_empty() =>
            {
                Ok(Self {
                    interval,
                    currency,
                    amount,
                    effective_at,
                })
            }
            _ => Err(errors),
        }
    }
}

/// The renewal at which a subscriber renewing at `period_end` every
/// `interval` first pays a price effective at `effective_at`, when told
/// at `told_at` with `notice_days` of notice owed: the first of
/// `period_end`, one interval later, two... that is on or after both the
/// effective date and the end of the notice. `None` past the calendar's end.
pub fn first_renewal_at_new_price(
    period_end: NaiveDateTime,
    interval: BillingInterval,
    effective_at: NaiveDateTime,
    told_at: NaiveDateTime,
    notice_days: i64,
) -> Option<NaiveDateTime> {
    let earliest = effective_at.max(told_at + Duration::days(notice_days));
    let mut renewal = period_end;
    while renewal < earliest {
        renewal = interval.period_end(renewal)?;
    }
    Some(renewal)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn at(y: i32, m: u32, d: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(y, m, d)
            .unwrap()
            .and_hms_opt(0, 0, 0)
            .unwrap()
    }

    fn usd_only(_: BillingInterval, currency: &Currency) -> bool {
        currency.as_str() == "usd"
    }

    fn request<'a>(amount: i64, currency: &'a str, effective_at: &'a str) -> PriceRequest<'a> {
        PriceRequest {
            interval: Some("month"),
            currency: Some(currency),
            amount: Some(amount),
            effective_at: Some(effective_at),
        }
    }

    #[test]
    fn a_price_far_enough_ahead_is_scheduled() {
        let price = ScheduledPrice::parse(
            &request(1_200, "USD", "2027-03-01T00:00:00Z"),
            usd_only,
            30,
            at(2027, 1, 1),
        )
        .unwrap();
        assert_eq!(price.amount.get(), 1_200);
        assert_eq!(price.currency.as_str(), "usd");
        assert_eq!(price.effective_at, at(2027, 3, 1));
    }

    #[test]
    fn every_bad_field_is_reported() {
        let raw = PriceRequest {
            interval: Some("fortnight"),
            currency: Some("dollars"),
            amount: Some(-5),
            effective_at: Some("2027-01-10T00:00:00Z"),
        };
        let errors = ScheduledPrice::parse(&raw, usd_only, 30, at(2027, 1, 1)).unwrap_err();
        let codes: Vec<_> = errors.iter().map(|e| e.code).collect();
        assert_eq!(
            codes,
            [
                "invalid_interval",
                "invalid_currency",
                "non_positive_amount",
                "too_soon"
            ]
        );
    }

    #[test]
    fn a_currency_the_tier_does_not_sell_in_and_an_absurd_amount_are_refused() {
        let errors = ScheduledPrice::parse(
            &request(1_200, "eur", "2027-03-01T00:00:00Z"),
            usd_only,
            30,
            at(2027, 1, 1),
        )
        .unwrap_err();
        assert_eq!(errors[0].code, "unknown_currency");
        let errors = ScheduledPrice::parse(
            &request(i64::MAX, "usd", "2027-03-01T00:00:00Z"),
            usd_only,
            30,
            at(2027, 1, 1),
        )
        .unwrap_err();
        assert_eq!(errors[0].code, "amount_too_large");
    }

    #[test]
    fn a_subscriber_moves_at_the_first_renewal_after_the_date_and_the_notice() {
        let month = BillingInterval::Month;
        // Renews after the date, told well ahead: that renewal.
        assert_eq!(
            first_renewal_at_new_price(at(2027, 3, 10), month, at(2027, 3, 1), at(2027, 1, 1), 30),
            Some(at(2027, 3, 10))
        );
        // Renews before the date: the next one.
        assert_eq!(
            first_renewal_at_new_price(at(2027, 2, 20), month, at(2027, 3, 1), at(2027, 1, 20), 30),
            Some(at(2027, 3, 20))
        );
        // Told late (subscribed after the change was scheduled): a renewal
        // less than the notice away stays at the old price.
        assert_eq!(
            first_renewal_at_new_price(at(2027, 3, 10), month, at(2027, 3, 1), at(2027, 2, 28), 30),
            Some(at(2027, 4, 10))
        );
    }
}
