//! How an instant is written in text a person or a program reads back
//! (problem `detail`s, import reports): RFC 3339 in UTC to the second,
//! `2026-06-30T12:00:00Z`. chrono's `to_rfc3339` would print nanoseconds
//! and `+00:00`, which front-ends then have to parse around.

use chrono::{DateTime, NaiveDateTime, SecondsFormat, Utc};

/// `at` as RFC 3339, UTC, whole seconds, `Z`.
pub fn rfc3339_seconds(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// A stored (UTC) timestamp as RFC 3339 to the second.
pub fn rfc3339_seconds_naive(at: NaiveDateTime) -> String {
    rfc3339_seconds(at.and_utc())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn instants_are_written_to_the_second_in_utc() {
        let at = DateTime::parse_from_rfc3339("2026-06-30T14:00:00.123456789+02:00")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(rfc3339_seconds(at), "2026-06-30T12:00:00Z");
        assert_eq!(
            rfc3339_seconds_naive(at.naive_utc()),
            "2026-06-30T12:00:00Z"
        );
    }
}
