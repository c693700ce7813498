//! The date an issue or article carries in print, as the front-end sends
//! and shows it: an RFC 3339 timestamp, kept in UTC.

use crate::domain::FieldError;
use chrono::{DateTime, Datelike, NaiveDateTime, Utc};

/// Earliest and latest accepted years: a typo like `20266` is refused
/// rather than stored.
const YEARS: std::ops::RangeInclusive<i32> = 1800..=2200;

/// A publication date in UTC.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct PublicationDate(DateTime<Utc>);

impl PublicationDate {
    /// Parses an RFC 3339 timestamp with any offset, e.g.
    /// `2026-03-01T09:00:00+01:00`.
    pub fn parse(raw: String) -> Result<Self, FieldError> {
        let parsed = DateTime::parse_from_rfc3339(raw.trim()).map_err(|_| {
            FieldError::new(
                "invalid_format",
                "a date is an RFC 3339 timestamp, e.g. 2026-03-01T09:00:00Z",
            )
        })?;
        let utc = parsed.with_timezone(&Utc);
        if !YEARS.contains(&utc.year()) {
            return Err(FieldError::new(
                "out_of_range",
                format!(
                    "a date's year is between {} and {}",
                    YEARS.start(),
                    YEARS.end()
                ),
            ));
        }
        Ok(Self(utc))
    }

    /// A date the program computed rather than read (the demo magazine's,
    /// relative to today), so no year range needs checking.
    pub fn at(instant: DateTime<Utc>) -> Self {
        Self(instant)
    }

    /// The instant, as stored (UTC without offset).
    pub fn naive_utc(self) -> NaiveDateTime {
        self.0.naive_utc()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn converts_offsets_to_utc() {
        let date = PublicationDate::parse("2026-03-01T09:00:00+01:00".into()).unwrap();
        assert_eq!(date.naive_utc().to_string(), "2026-03-01 08:00:00");
    }

    #[test]
    fn rejects_other_formats() {
        for raw in ["2026-03-01", "01/03/2026", "", "2026-13-01T00:00:00Z"] {
            assert_eq!(
                PublicationDate::parse(raw.into()).unwrap_err().code,
                "invalid_format",
                "{raw}"
            );
        }
    }

    #[test]
    fn rejects_implausible_years() {
        let error = PublicationDate::parse("1066-10-14T09:00:00Z".into()).unwrap_err();
        assert_eq!(error.code, "out_of_range");
    }
}
