//! The time zone a reader reads their emails in: an IANA zone name
//! (`Europe/Paris`), checked against the tz database that `chrono-tz`
//! compiles in, so a stored name always resolves and dates in emails can
//! be converted and named. No zone set means UTC.

use crate::domain::FieldError;
use chrono::{DateTime, Utc};
use chrono_tz::Tz;

/// Longest zone name accepted, in bytes. The longest in the database is
/// `America/Argentina/ComodRivadavia` (32); anything past 64 is not a zone.
const MAX_BYTES: usize = 64;

/// A time zone of the IANA database, by its canonical or link name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReaderTimeZone(Tz);

impl ReaderTimeZone {
    /// UTC: the zone of readers who set none.
    pub const UTC: Self = Self(Tz::UTC);

    /// Parses a zone name as the reader sent it (trimmed). Names are
    /// case-sensitive, as in the database (`Europe/Paris`, not
    /// `europe/paris`), so one zone is stored one way.
    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        let name = raw.trim();
        if name.is_empty() {
            return Err(FieldError::new(
                "required",
                "name a time zone (e.g. Europe/Paris), or send null for UTC",
            ));
        }
        if name.len() > MAX_BYTES {
            return Err(FieldError::new(
                "too_long",
                format!("a time zone name has at most {MAX_BYTES} characters"),
            ));
        }
        if name.chars().any(char::is_control) {
            return Err(FieldError::new(
                "invalid_characters",
                "a time zone name cannot contain control characters",
            ));
        }
        name.parse::<Tz>().map(Self).map_err(|_| {
            FieldError::new(
                "unknown_time_zone",
                "not a time zone of the IANA database (e.g. Europe/Paris, America/New_York, UTC)",
            )
        })
    }

    /// The zone stored as `stored`, UTC when none is (or when a stored
    /// name is no longer in this build's database: dates stay correct,
    /// only in UTC).
    pub fn from_stored(stored: Option<&str>) -> Self {
        stored
            .and_then(|name| name.parse::<Tz>().ok())
            .map_or(Self::UTC, Self)
    }

    /// The IANA name (`Europe/Paris`, `UTC`).
    pub fn name(self) -> &'static str {
        self.0.name()
    }

    /// Whether this is UTC itself (written plainly as `UTC`).
    pub fn is_utc(self) -> bool {
        matches!(self.0, Tz::UTC | Tz::Etc__UTC)
    }

    /// `at` in this zone.
    pub fn local(self, at: DateTime<Utc>) -> DateTime<Tz> {
        at.with_timezone(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_iana_names_and_utc() {
        assert_eq!(
            ReaderTimeZone::parse(" Europe/Paris ").unwrap().name(),
            "Europe/Paris"
        );
        assert!(ReaderTimeZone::parse("UTC").unwrap().is_utc());
        assert!(ReaderTimeZone::parse("America/Argentina/ComodRivadavia").is_ok());
    }

    #[test]
    fn refuses_what_is_not_a_zone() {
        let code = |raw: &str| ReaderTimeZone::parse(raw).unwrap_err().code;
        assert_eq!(code(""), "required");
        assert_eq!(code("Mars/Olympus_Mons"), "unknown_time_zone");
        assert_eq!(code("europe/paris"), "unknown_time_zone");
        assert_eq!(code("../../etc/localtime"), "unknown_time_zone");
        assert_eq!(code("/etc/localtime"), "unknown_time_zone");
        assert_eq!(
            code("Europe/Paris\r\nBcc: x@evil.example"),
            "invalid_characters"
        );
        assert_eq!(code("Europe/\0Paris"), "invalid_characters");
        assert_eq!(code(&"A".repeat(10_000)), "too_long");
    }

    #[test]
    fn a_missing_or_stale_stored_zone_is_utc() {
        assert_eq!(ReaderTimeZone::from_stored(None), ReaderTimeZone::UTC);
        assert_eq!(
            ReaderTimeZone::from_stored(Some("Atlantis/Capital")),
            ReaderTimeZone::UTC
        );
        assert_eq!(
            ReaderTimeZone::from_stored(Some("Asia/Tokyo")).name(),
            "Asia/Tokyo"
        );
    }
}
