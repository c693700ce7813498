//! How an instant is written in text a person or a program reads back
//! (problem `detail`s, import reports): RFC 3339 in UTC to the second,
//! `2026-06-30T12:00:00Z`. chrono's `to_rfc3339` would print nanoseconds
//! and `+00:00`, which front-ends then have to parse around. Reading one
//! back from a request accepts any RFC 3339 offset.

use super::FieldError;
use chrono::{DateTime, NaiveDateTime, SecondsFormat, Utc};

/// An RFC 3339 instant in a required field.
pub fn parse_instant(raw: Option<&str>) -> Result<DateTime<Utc>, FieldError> {
    let raw = raw.ok_or_else(|| FieldError::new("required", "this field is required"))?;
    DateTime::parse_from_rfc3339(raw)
        .map(|at| at.with_timezone(&Utc))
        .map_err(|_| {
            FieldError::new(
                "invalid_date",
                "an RFC 3339 date-time, e.g. 2027-01-31T00:00:00Z",
            )
        })
}

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
    fn instants_are_read_with_any_offset_and_refused_clearly() {
        let at = parse_instant(Some("2027-01-31T02:00:00+02:00")).unwrap();
        assert_eq!(rfc3339_seconds(at), "2027-01-31T00:00:00Z");
        assert_eq!(parse_instant(None).unwrap_err().code, "required");
        for bad in ["", "2027-01-31", "tomorrow", "2027-01-31T00:00:00"] {
            assert_eq!(
                parse_instant(Some(bad)).unwrap_err().code,
                "invalid_date",
                "{bad}"
            );
        }
    }

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
