//! The whole numbers of the catalogue, each within the range a magazine
//! can mean: issue numbers, volumes and years, the paywall cut, and how
//! long an article's audio runs.

use crate::domain::FieldError;
use std::ops::RangeInclusive;

macro_rules! bounded_number {
    ($(#[$doc:meta])* $name:ident, $what:literal, $range:expr) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(i32);

        impl $name {
            /// The accepted values.
            pub const RANGE: RangeInclusive<i32> = $range;

            /// Checks the value is in [`Self::RANGE`]; takes an `i64` so an
            /// oversized JSON number is "out of range", not "wrong type".
            pub fn parse(raw: i64) -> Result<Self, FieldError> {
                i32::try_from(raw)
                    .ok()
                    .filter(|value| Self::RANGE.contains(value))
                    .map(Self)
                    .ok_or_else(|| {
                        FieldError::new(
                            "out_of_range",
                            format!(
                                "{} is between {} and {}",
                                $what,
                                Self::RANGE.start(),
                                Self::RANGE.end()
                            ),
                        )
                    })
            }

            /// The number as stored.
            pub fn get(self) -> i32 {
                self.0
            }
        }
    };
}

bounded_number!(
    /// The running number of an issue; readers and URLs know issues by it.
    IssueNumber,
    "an issue number",
    1..=99_999
);
bounded_number!(
    /// The volume an issue belongs to.
    Volume,
    "a volume",
    1..=9_999
);
bounded_number!(
    /// The year of an issue's volume.
    IssueYear,
    "a year",
    1800..=2200
);
bounded_number!(
    /// How many paragraphs the teaser shows before the paywall.
    PaywallCut,
    "a paywall cut",
    1..=1_000
);
bounded_number!(
    /// How long an article's audio runs, in seconds (a day at most).
    AudioDuration,
    "a duration in seconds",
    1..=86_400
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_the_range_ends() {
        assert_eq!(IssueNumber::parse(1).unwrap().get(), 1);
        assert_eq!(IssueYear::parse(2200).unwrap().get(), 2200);
        assert_eq!(AudioDuration::parse(86_400).unwrap().get(), 86_400);
    }

    #[test]
    fn rejects_outside_the_range() {
        for error in [
            IssueNumber::parse(0).unwrap_err(),
            Volume::parse(-1).unwrap_err(),
            IssueYear::parse(1799).unwrap_err(),
            PaywallCut::parse(0).unwrap_err(),
            AudioDuration::parse(86_401).unwrap_err(),
            IssueNumber::parse(i64::from(i32::MAX) + 1).unwrap_err(),
        ] {
            assert_eq!(error.code, "out_of_range");
        }
    }

    #[test]
    fn messages_name_the_range() {
        let error = PaywallCut::parse(0).unwrap_err();
        assert_eq!(error.message, "a paywall cut is between 1 and 1000");
    }
}
