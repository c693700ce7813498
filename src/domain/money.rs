//! Money as integer cents plus a currency, never a float, and the billing
//! intervals a price can recur over.

use crate::domain::FieldError;
use chrono::{Months, NaiveDateTime};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A non-negative amount in the currency's minor unit (cents, pence).
/// Serialised as a bare integer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, ToSchema)]
#[serde(transparent)]
#[schema(value_type = i64, minimum = 0)]
pub struct AmountCents(i64);

impl AmountCents {
    /// Accepts zero (a free price) and anything above; a negative price is
    /// never valid.
    pub fn parse(raw: i64) -> Result<Self, FieldError> {
        if raw < 0 {
            return Err(FieldError::new(
                "negative_amount",
                "an amount cannot be negative",
            ));
        }
        Ok(Self(raw))
    }

    /// The amount in minor units.
    pub fn get(self) -> i64 {
        self.0
    }
}

impl TryFrom<i64> for AmountCents {
    type Error = FieldError;

    fn try_from(raw: i64) -> Result<Self, Self::Error> {
        Self::parse(raw)
    }
}

/// An ISO 4217 currency code, lower-cased the way Stripe writes it
/// (`usd`, `eur`, `gbp`), so `USD` and `usd` are the same currency.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, ToSchema)]
#[serde(transparent)]
#[schema(value_type = String, example = "usd")]
pub struct Currency(String);

impl Currency {
    /// Trims, checks for exactly three ASCII letters and lower-cases.
    pub fn parse(raw: String) -> Result<Self, FieldError> {
        let trimmed = raw.trim();
        if trimmed.is_empty() {
            return Err(FieldError::new("required", "a currency is required"));
        }
        if trimmed.len() != 3 || !trimmed.bytes().all(|b| b.is_ascii_alphabetic()) {
            return Err(FieldError::new(
                "invalid_currency",
                "a currency is a three-letter ISO 4217 code, e.g. usd",
            ));
        }
        Ok(Self(trimmed.to_ascii_lowercase()))
    }

    /// The lower-case code.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Currency {
    type Error = FieldError;

    fn try_from(raw: String) -> Result<Self, Self::Error> {
        Self::parse(raw)
    }
}

impl AsRef<str> for Currency {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

/// How often a price recurs.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum BillingInterval {
    /// Billed every month.
    Month,
    /// Billed every year.
    Year,
}

impl BillingInterval {
    /// The stored and serialised name (also Stripe's).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Month => "month",
            Self::Year => "year",
        }
    }

    /// Parses a stored name.
    pub fn parse(raw: &str) -> Option<Self> {
        match raw {
            "month" => Some(Self::Month),
            "year" => Some(Self::Year),
            _ => None,
        }
    }

    /// The end (exclusive) of a billing period starting at `start`: the
    /// same day of the next month or year, clamped to the month's last day
    /// (Jan 31 + 1 month = Feb 28), as card networks and Stripe count.
    /// `None` only past the calendar's end.
    pub fn period_end(self, start: NaiveDateTime) -> Option<NaiveDateTime> {
        let months = match self {
            Self::Month => 1,
            Self::Year => 12,
        };
        start.checked_add_months(Months::new(months))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_are_non_negative() {
        assert_eq!(AmountCents::parse(0).unwrap().get(), 0);
        assert_eq!(AmountCents::parse(1_200).unwrap().get(), 1_200);
        assert_eq!(AmountCents::parse(-1).unwrap_err().code, "negative_amount");
    }

    #[test]
    fn amounts_serialise_as_bare_integers() {
        let amount = AmountCents::parse(999).unwrap();
        assert_eq!(serde_json::to_string(&amount).unwrap(), "999");
        assert!(AmountCents::try_from(-5).is_err());
    }

    #[test]
    fn currencies_are_trimmed_and_lower_cased() {
        for (raw, code) in [("usd", "usd"), ("EUR", "eur"), (" Gbp ", "gbp")] {
            assert_eq!(Currency::parse(raw.to_owned()).unwrap().as_str(), code);
        }
        let usd = Currency::parse("USD".to_owned()).unwrap();
        assert_eq!(serde_json::to_string(&usd).unwrap(), "\"usd\"");
        assert_eq!(Currency::try_from("Usd".to_owned()).unwrap(), usd);
    }

    #[test]
    fn rejects_what_is_not_a_currency_code() {
        for bad in ["us", "usdd", "u$d", "12a", "ü€$", "é u"] {
            assert_eq!(
                Currency::parse(bad.to_owned()).unwrap_err().code,
                "invalid_currency",
                "{bad:?} accepted"
            );
        }
        assert_eq!(
            Currency::parse("  ".to_owned()).unwrap_err().code,
            "required"
        );
    }

    #[test]
    fn interval_names_round_trip() {
        for interval in [BillingInterval::Month, BillingInterval::Year] {
            assert_eq!(BillingInterval::parse(interval.as_str()), Some(interval));
            assert_eq!(
                serde_json::to_value(interval).unwrap(),
                serde_json::Value::from(interval.as_str())
            );
        }
        assert_eq!(BillingInterval::parse("monthly"), None);
    }

    #[test]
    fn periods_end_a_calendar_month_or_year_later() {
        let at = |raw: &str| NaiveDateTime::parse_from_str(raw, "%Y-%m-%d %H:%M:%S").unwrap();
        let start = at("2027-01-31 10:00:00");
        assert_eq!(
            BillingInterval::Month.period_end(start),
            Some(at("2027-02-28 10:00:00"))
        );
        assert_eq!(
            BillingInterval::Year.period_end(start),
            Some(at("2028-01-31 10:00:00"))
        );
        assert_eq!(
            BillingInterval::Year.period_end(at("2028-02-29 00:00:00")),
            Some(at("2029-02-28 00:00:00"))
        );
    }
}
