//! How amounts and times are written in emails, for a person: amounts in
//! the currency's major unit with its code (`9.00 USD`, `1200 JPY`), dates
//! and instants in English with their time zone named (always UTC; readers
//! have no time zone of their own yet).

use crate::domain::minor_unit_exponent;
use chrono::NaiveDateTime;

/// `amount` minor units of `currency` as `9.00 USD`.
pub fn amount(amount: i64, currency: &str) -> String {
    let exponent = minor_unit_exponent(currency);
    let code = currency.to_ascii_uppercase();
    if exponent == 0 {
        return format!("{amount} {code}");
    }
    let scale = 10_i64.pow(exponent);
    let sign = if amount < 0 { "-" } else { "" };
    let (major, minor) = (amount.abs() / scale, amount.abs() % scale);
    let width = exponent as usize;
    format!("{sign}{major}.{minor:0width$} {code}")
}

/// A day: `1 January 2027 (UTC)`.
pub fn date(at: NaiveDateTime) -> String {
    format!("{} (UTC)", at.format("%-d %B %Y"))
}

/// An instant: `1 January 2027, 17:35 UTC`.
pub fn instant(at: NaiveDateTime) -> String {
    format!("{} UTC", at.format("%-d %B %Y, %H:%M"))
}

/// A period: `1 December 2026 to 1 January 2027 (UTC)`.
pub fn period(start: NaiveDateTime, end: NaiveDateTime) -> String {
    format!(
        "{} to {} (UTC)",
        start.format("%-d %B %Y"),
        end.format("%-d %B %Y")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M").unwrap()
    }

    #[test]
    fn amounts_follow_the_currency_exponent() {
        assert_eq!(amount(900, "usd"), "9.00 USD");
        assert_eq!(amount(12_345, "eur"), "123.45 EUR");
        assert_eq!(amount(5, "gbp"), "0.05 GBP");
        assert_eq!(amount(1200, "jpy"), "1200 JPY");
        assert_eq!(amount(1_500, "kwd"), "1.500 KWD");
        assert_eq!(amount(-250, "usd"), "-2.50 USD");
    }

    #[test]
    fn times_name_their_time_zone() {
        let start = at("2026-12-01 17:35");
        assert_eq!(date(start), "1 December 2026 (UTC)");
        assert_eq!(instant(start), "1 December 2026, 17:35 UTC");
        assert_eq!(
            period(start, at("2027-01-01 17:35")),
            "1 December 2026 to 1 January 2027 (UTC)"
        );
    }
}
