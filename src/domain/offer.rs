//! Offers and trials as rules: an offer's code, what it gives (a
//! percentage or an amount off for some months or forever, or extra free
//! days), whether it can be redeemed now, and the arithmetic both
//! providers apply, so the development provider charges what Stripe
//! would.

use super::{AmountCents, BillingInterval, Currency, FieldError};
use chrono::NaiveDateTime;

/// The longest free trial, in days: Stripe's limit for
/// `subscription_data.trial_period_days` (730).
pub const MAX_TRIAL_DAYS: u32 = 730;

/// The longest a discount may last when it does not last forever.
pub const MAX_DURATION_MONTHS: u32 = 120;

/// An offer's code, as readers type it and links carry it: 3 to 32
/// letters, digits, `-` or `_`, matched without regard to case (stored
/// upper case). Spaces around it are forgiven; a control character (a
/// CR, LF or NUL smuggled in) makes it invalid, never another code.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct OfferCode(String);

impl OfferCode {
    /// Parses a code typed or linked; `invalid_offer_code` otherwise.
    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        let invalid = || {
            FieldError::new(
                "invalid_offer_code",
                "an offer code is 3 to 32 letters, digits, `-` or `_`",
            )
        };
        let trimmed = raw.trim_matches(' ');
        if !(3..=32).contains(&trimmed.len())
            || !trimmed
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        {
            return Err(invalid());
        }
        Ok(Self(trimmed.to_ascii_uppercase()))
    }

    /// A stored code (already upper case).
    pub fn from_db(code: String) -> Self {
        Self(code)
    }

    /// The stored, upper-case code.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for OfferCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// What an offer gives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Benefit {
    /// A percentage off each discounted payment, 1 to 100.
    PercentOff(u32),
    /// An amount off each discounted payment, in a currency: it applies
    /// only to prices in that currency.
    AmountOff(AmountCents, Currency),
    /// Free days before the first payment, added to the price's own trial.
    TrialDays(u32),
}

impl Benefit {
    /// The benefit of exactly one of the three fields of a request; field
    /// errors name what is wrong.
    pub fn parse(
        percent_off: Option<i64>,
        amount_off: Option<i64>,
        currency: Option<String>,
        trial_days: Option<i64>,
    ) -> Result<Self, FieldError> {
        match (percent_off, amount_off, trial_days) {
            (Some(percent), None, None) => u32::try_from(percent)
                .ok()
                .filter(|p| (1..=100).contains(p))
                .map(Self::PercentOff)
                .ok_or_else(|| {
                    FieldError::new("out_of_range", "a percentage from 1 to 100").at("percent_off")
                }),
            (None, Some(amount), None) => {
                let amount = AmountCents::parse(amount)
                    .ok()
                    .filter(|a| a.get() > 0)
                    .ok_or_else(|| {
                        FieldError::new("non_positive_amount", "an amount above zero")
                            .at("amount_off")
                    })?;
                let currency = currency
                    .ok_or_else(|| FieldError::new("required", "an amount off needs its currency"))
                    .and_then(Currency::parse)
                    .map_err(|e| e.at("currency"))?;
                Ok(Self::AmountOff(amount, currency))
            }
            (None, None, Some(days)) => u32::try_from(days)
                .ok()
                .filter(|d| (1..=MAX_TRIAL_DAYS).contains(d))
                .map(Self::TrialDays)
                .ok_or_else(|| {
                    FieldError::new(
                        "out_of_range",
                        format!("from 1 to {MAX_TRIAL_DAYS} free days"),
                    )
                    .at("trial_days")
                }),
            _ => Err(FieldError::new(
                "one_benefit",
                "give exactly one of `percent_off`, `amount_off` (with `currency`) or `trial_days`",
            )
            .at("percent_off")),
        }
    }

    /// Whether the offer discounts payments (rather than adding free days).
    pub fn is_discount(&self) -> bool {
        !matches!(self, Self::TrialDays(_))
    }

    /// The extra free days it gives.
    pub fn trial_days(&self) -> u32 {
        match self {
            Self::TrialDays(days) => *days,
            _ => 0,
        }
    }

    /// Whether it can apply to a price in `currency` (an amount off only
    /// to prices in its own currency).
    pub fn applies_in(&self, currency: &Currency) -> bool {
        match self {
            Self::AmountOff(_, own) => own == currency,
            _ => true,
        }
    }

    /// The amount taken off one discounted payment of `price`: a
    /// percentage rounded to the nearest minor unit (half up, as Stripe
    /// rounds), an amount never more than the price.
    pub fn discount_cents(&self, price: AmountCents) -> i64 {
        let amount = price.get();
        match self {
            Self::PercentOff(percent) => (amount * i64::from(*percent) + 50) / 100,
            Self::AmountOff(off, _) => off.get().min(amount),
            Self::TrialDays(_) => 0,
        }
    }
}

/// How many payments of a subscription billed every `interval` a discount
/// lasting `months` covers (`None`: every payment, forever): each payment
/// whose period starts within the months counts, as Stripe's `repeating`
/// coupons do.
pub fn discounted_payments(months: Option<u32>, interval: BillingInterval) -> Option<u32> {
    let per = match interval {
        BillingInterval::Month => 1,
        BillingInterval::Year => 12,
    };
    months.map(|months| months.div_ceil(per))
}

/// What one payment costs: `price` less `discount_cents` when it is one of
/// the first `discount_payments` (`None`: all of them). `nth` counts real
/// payments from 1.
pub fn payment_amount(
    price: AmountCents,
    discount_cents: i64,
    discount_payments: Option<u32>,
    nth: u32,
) -> i64 {
    let discounted = discount_payments.is_none_or(|covered| nth <= covered);
    if discounted {
        (price.get() - discount_cents).max(0)
    } else {
        price.get()
    }
}

/// Why an offer cannot be redeemed now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unavailable {
    /// Its start date has not come.
    NotStarted,
    /// Its end date passed, or an admin archived it.
    Ended,
    /// Every redemption it allows is taken.
    Exhausted,
}

/// When an offer may be redeemed and how often.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OfferWindow {
    /// From when.
    pub starts_at: NaiveDateTime,
    /// Until when (exclusive); `None`: until archived.
    pub ends_at: Option<NaiveDateTime>,
    /// When an admin archived it.
    pub archived_at: Option<NaiveDateTime>,
    /// How many completed checkouts redeemed it.
    pub redemptions: u32,
    /// How many may; `None`: no limit.
    pub max_redemptions: Option<u32>,
}

impl OfferWindow {
    /// Whether a checkout may redeem the offer at `now`.
    pub fn check(&self, now: NaiveDateTime) -> Result<(), Unavailable> {
        if self.archived_at.is_some() || self.ends_at.is_some_and(|end| now >= end) {
            return Err(Unavailable::Ended);
        }
        if now < self.starts_at {
            return Err(Unavailable::NotStarted);
        }
        if self
            .max_redemptions
            .is_some_and(|max| self.redemptions >= max)
        {
            return Err(Unavailable::Exhausted);
        }
        Ok(())
    }

    /// Its state as the admin list shows it.
    pub fn status(&self, now: NaiveDateTime) -> &'static str {
        match self.check(now) {
            Ok(()) => "active",
            Err(Unavailable::NotStarted) => "scheduled",
            Err(Unavailable::Ended) if self.archived_at.is_some() => "archived",
            Err(Unavailable::Ended) => "ended",
            Err(Unavailable::Exhausted) => "exhausted",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Duration, NaiveDate};

    fn cents(amount: i64) -> AmountCents {
        AmountCents::parse(amount).unwrap()
    }

    fn usd() -> Currency {
        Currency::parse("usd".to_owned()).unwrap()
    }

    #[test]
    fn codes_ignore_case_and_outer_spaces() {
        let code = OfferCode::parse(" spring-25 ").unwrap();
        assert_eq!(code.as_str(), "SPRING-25");
        assert_eq!(code, OfferCode::parse("SPRING-25").unwrap());
    }

    #[test]
    fn control_characters_and_odd_lengths_are_not_codes() {
        for raw in [
            "SPRING\r\n",
            "SPR\0ING",
            "SPRING\nX-Header: 1",
            "AB",
            &"A".repeat(33),
            "SPRÍNG",
            "SPRING 25",
            "",
        ] {
            let error = OfferCode::parse(raw).unwrap_err();
            assert_eq!(error.code, "invalid_offer_code", "{raw:?}");
        }
    }

    #[test]
    fn exactly_one_benefit() {
        assert_eq!(
            Benefit::parse(Some(25), None, None, None),
            Ok(Benefit::PercentOff(25))
        );
        assert_eq!(
            Benefit::parse(None, Some(300), Some("usd".to_owned()), None),
            Ok(Benefit::AmountOff(cents(300), usd()))
        );
        assert_eq!(
            Benefit::parse(None, None, None, Some(14)),
            Ok(Benefit::TrialDays(14))
        );
        let cases = [
            (Benefit::parse(None, None, None, None), "one_benefit"),
            (Benefit::parse(Some(10), None, None, Some(3)), "one_benefit"),
            (Benefit::parse(Some(0), None, None, None), "out_of_range"),
            (Benefit::parse(Some(101), None, None, None), "out_of_range"),
            (
                Benefit::parse(None, Some(0), Some("usd".to_owned()), None),
                "non_positive_amount",
            ),
            (Benefit::parse(None, Some(100), None, None), "required"),
            (Benefit::parse(None, None, None, Some(731)), "out_of_range"),
        ];
        for (parsed, code) in cases {
            assert_eq!(parsed.unwrap_err().code, code);
        }
    }

    #[test]
    fn discounts_round_half_up_and_never_exceed_the_price() {
        assert_eq!(Benefit::PercentOff(25).discount_cents(cents(999)), 250);
        assert_eq!(Benefit::PercentOff(100).discount_cents(cents(999)), 999);
        assert_eq!(
            Benefit::AmountOff(cents(2_000), usd()).discount_cents(cents(900)),
            900
        );
        assert_eq!(Benefit::TrialDays(7).discount_cents(cents(900)), 0);
        let eur = Currency::parse("eur".to_owned()).unwrap();
        assert!(!Benefit::AmountOff(cents(100), usd()).applies_in(&eur));
        assert!(Benefit::PercentOff(10).applies_in(&eur));
    }

    #[test]
    fn a_discount_covers_the_payments_starting_within_its_months() {
        use BillingInterval::{Month, Year};
        assert_eq!(discounted_payments(Some(3), Month), Some(3));
        assert_eq!(discounted_payments(Some(3), Year), Some(1));
        assert_eq!(discounted_payments(Some(12), Year), Some(1));
        assert_eq!(discounted_payments(Some(13), Year), Some(2));
        assert_eq!(discounted_payments(None, Month), None);
        let price = cents(1_000);
        assert_eq!(payment_amount(price, 250, Some(2), 1), 750);
        assert_eq!(payment_amount(price, 250, Some(2), 2), 750);
        assert_eq!(payment_amount(price, 250, Some(2), 3), 1_000);
        assert_eq!(payment_amount(price, 250, None, 40), 750);
        assert_eq!(payment_amount(price, 2_000, None, 1), 0);
    }

    #[test]
    fn a_window_refuses_before_after_archived_and_full() {
        let start = NaiveDate::from_ymd_opt(2027, 3, 1)
            .unwrap()
            .and_hms_opt(0, 0, 0)
            .unwrap();
        let window = OfferWindow {
            starts_at: start,
            ends_at: Some(start + Duration::days(30)),
            archived_at: None,
            redemptions: 9,
            max_redemptions: Some(10),
        };
        assert_eq!(window.check(start), Ok(()));
        assert_eq!(window.status(start), "active");
        assert_eq!(
            window.check(start - Duration::seconds(1)),
            Err(Unavailable::NotStarted)
        );
        assert_eq!(
            window.check(start + Duration::days(30)),
            Err(Unavailable::Ended)
        );
        let full = OfferWindow {
            redemptions: 10,
            ..window
        };
        assert_eq!(full.check(start), Err(Unavailable::Exhausted));
        assert_eq!(full.status(start), "exhausted");
        let archived = OfferWindow {
            archived_at: Some(start),
            ..window
        };
        assert_eq!(archived.check(start), Err(Unavailable::Ended));
        assert_eq!(archived.status(start), "archived");
        let open = OfferWindow {
            ends_at: None,
            max_redemptions: None,
            redemptions: 1_000,
            ..window
        };
        assert_eq!(open.check(start + Duration::days(900)), Ok(()));
    }
}
