//! Small formatters the templates call: times, money and the teaser's
//! preview. They accept values and references alike, since templates pass
//! whichever the field is.

use crate::domain::minor_unit_exponent;
use chrono::{DateTime, Utc};
use std::borrow::Borrow;
use std::fmt::Write as _;

/// Something a template shows as a time.
pub trait AsAt {
    /// The instant, if any.
    fn instant(&self) -> Option<DateTime<Utc>>;
}

impl AsAt for DateTime<Utc> {
    fn instant(&self) -> Option<DateTime<Utc>> {
        Some(*self)
    }
}

impl AsAt for Option<DateTime<Utc>> {
    fn instant(&self) -> Option<DateTime<Utc>> {
        *self
    }
}

impl<T: AsAt + ?Sized> AsAt for &T {
    fn instant(&self) -> Option<DateTime<Utc>> {
        (**self).instant()
    }
}

/// `2026-12-02 13:05 UTC`, or a dash.
pub fn at(value: impl AsAt) -> String {
    value.instant().map_or_else(
        || "—".to_owned(),
        |t| t.format("%Y-%m-%d %H:%M UTC").to_string(),
    )
}

/// `2026-12-02`, or nothing: a date input's value.
pub fn day(value: impl AsAt) -> String {
    value
        .instant()
        .map(|t| t.format("%Y-%m-%d").to_string())
        .unwrap_or_default()
}

/// `12.00 EUR` for 1200 minor units of `eur`, by the currency's exponent.
pub fn money(cents: impl Borrow<i64>, currency: impl AsRef<str>) -> String {
    let cents = *cents.borrow();
    let currency = currency.as_ref();
    let exponent = minor_unit_exponent(currency);
    let sign = if cents < 0 { "-" } else { "" };
    let cents = cents.unsigned_abs();
    let code = currency.to_ascii_uppercase();
    if exponent == 0 {
        return format!("{sign}{cents} {code}");
    }
    let unit = 10_u64.pow(exponent);
    let width = usize::try_from(exponent).unwrap_or(2);
    format!("{sign}{}.{:0width$} {code}", cents / unit, cents % unit)
}

/// `money` for an amount whose currency may be unknown (no payments).
pub fn money_or_dash(cents: impl Borrow<i64>, currency: &Option<String>) -> String {
    currency
        .as_deref()
        .map_or_else(|| "—".to_owned(), |currency| money(cents, currency))
}

/// A value or a dash.
pub fn or_dash<T: std::fmt::Display>(value: &Option<T>) -> String {
    value
        .as_ref()
        .map_or_else(|| "—".to_owned(), ToString::to_string)
}

/// Percent-encodes all but unreserved characters: a value safe in a path
/// segment, a query string and a cookie.
pub fn encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || b"-_.~".contains(&byte) {
            out.push(char::from(byte));
        } else {
            let _ = write!(out, "%{byte:02X}");
        }
    }
    out
}

/// A date input's `2027-01-31` as the end of that day in UTC (RFC 3339);
/// anything else as typed, for the use case to judge.
pub fn end_of_day(raw: Option<String>) -> Option<String> {
    raw.map(|raw| {
        if chrono::NaiveDate::parse_from_str(&raw, "%Y-%m-%d").is_ok() {
            format!("{raw}T23:59:59Z")
        } else {
            raw
        }
    })
}

/// A date input's `2027-01-31` as that day's start in UTC (RFC 3339);
/// anything else as typed.
pub fn start_of_day(raw: Option<String>) -> Option<String> {
    raw.map(|raw| {
        if chrono::NaiveDate::parse_from_str(&raw, "%Y-%m-%d").is_ok() {
            format!("{raw}T00:00:00Z")
        } else {
            raw
        }
    })
}

/// A number field as JSON: a number when it is one, else the text (for
/// the use case to refuse with its own message), `null` when blank.
pub fn number(raw: Option<String>) -> serde_json::Value {
    match raw {
        None => serde_json::Value::Null,
        Some(raw) => raw
            .parse::<i64>()
            .map_or(serde_json::Value::String(raw), serde_json::Value::from),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_follows_the_currency_exponent() {
        assert_eq!(money(1200, "eur"), "12.00 EUR");
        assert_eq!(money(5, "usd"), "0.05 USD");
        assert_eq!(money(1200, "jpy"), "1200 JPY");
        assert_eq!(money(-1500, "bhd"), "-1.500 BHD");
    }
}
