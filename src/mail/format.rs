//! How amounts and times are written in emails, for a person: amounts in
//! the currency's major unit with its code (`9.00 USD`, `1200 JPY`), dates
//! and instants in English in the reader's time zone, naming it (`UTC`
//! for readers who set none: `time_zone` on `PATCH /v1/me`).
//!
//! Every date takes the zone: a message builder passes `to.zone` (its
//! [`super::messages::To`]), so no date in an email can forget whose
//! calendar it is written in.

use crate::domain::{ReaderTimeZone, minor_unit_exponent};
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

/// A day in `zone`: `1 January 2027 (UTC)`, `1 January 2027
/// (Europe/Paris)`. The day is the one the reader's calendar shows at
/// `at` (UTC), so a period ending at 23:30 UTC ends the next day in Paris.
pub fn date(at: NaiveDateTime, zone: ReaderTimeZone) -> String {
    let local = zone.local(at.and_utc());
    format!("{} ({})", local.format("%-d %B %Y"), zone_name(zone))
}

/// An instant in `zone`, naming it: `1 January 2027, 17:35 UTC`, or
/// `1 January 2027, 18:35 CET (Europe/Paris)` (the abbreviation in force
/// then, CET or CEST, and the IANA name, which is unambiguous where an
/// abbreviation is not).
pub fn instant(at: NaiveDateTime, zone: ReaderTimeZone) -> String {
    let local = zone.local(at.and_utc());
    if zone.is_utc() {
        return format!("{} UTC", local.format("%-d %B %Y, %H:%M"));
    }
    format!(
        "{} {} ({})",
        local.format("%-d %B %Y, %H:%M"),
        local.format("%Z"),
        zone.name()
    )
}

/// A period in `zone`: `1 December 2026 to 1 January 2027 (UTC)`.
pub fn period(start: NaiveDateTime, end: NaiveDateTime, zone: ReaderTimeZone) -> String {
    format!(
        "{} to {} ({})",
        zone.local(start.and_utc()).format("%-d %B %Y"),
        zone.local(end.and_utc()).format("%-d %B %Y"),
        zone_name(zone)
    )
}

/// `UTC` for UTC (and `Etc/UTC`), else the IANA name.
fn zone_name(zone: ReaderTimeZone) -> &'static str {
    if zone.is_utc() { "UTC" } else { zone.name() }
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
        let utc = ReaderTimeZone::UTC;
        let start = at("2026-12-01 17:35");
        assert_eq!(date(start, utc), "1 December 2026 (UTC)");
        assert_eq!(instant(start, utc), "1 December 2026, 17:35 UTC");
        assert_eq!(
            period(start, at("2027-01-01 17:35"), utc),
            "1 December 2026 to 1 January 2027 (UTC)"
        );
    }

    #[test]
    fn a_readers_zone_moves_the_clock_and_is_named() {
        let paris = ReaderTimeZone::parse("Europe/Paris").unwrap();
        assert_eq!(
            instant(at("2027-01-01 17:35"), paris),
            "1 January 2027, 18:35 CET (Europe/Paris)"
        );
        assert_eq!(
            instant(at("2027-07-01 17:35"), paris),
            "1 July 2027, 19:35 CEST (Europe/Paris)"
        );
        // 23:30 UTC is already the next day in Paris, and still the same
        // day in New York.
        assert_eq!(
            date(at("2026-12-31 23:30"), paris),
            "1 January 2027 (Europe/Paris)"
        );
        let new_york = ReaderTimeZone::parse("America/New_York").unwrap();
        assert_eq!(
            period(at("2026-12-01 03:00"), at("2027-01-01 03:00"), new_york),
            "30 November 2026 to 31 December 2026 (America/New_York)"
        );
        let etc_utc = ReaderTimeZone::parse("Etc/UTC").unwrap();
        assert_eq!(
            instant(at("2027-01-01 17:35"), etc_utc),
            "1 January 2027, 17:35 UTC"
        );
    }
}
