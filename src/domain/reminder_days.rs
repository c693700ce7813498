//! How many days before a date a reader is reminded of it (an annual
//! renewal, a trial's or a comp's end): a set of thresholds such as
//! `30,7`, and the rule that picks which one is due now. Only the nearest
//! threshold not yet passed is ever due, so a reader first seen 5 days
//! before a renewal gets the 7-day reminder, never the 30-day one too.

use serde::{Deserialize, Serialize};
use std::fmt;

/// The longest a reminder may come ahead of its date: a year.
pub const MAX_REMINDER_DAYS: u32 = 365;

/// Day counts before a date, each sending one reminder; sorted, no
/// repeats, each from 1 to [`MAX_REMINDER_DAYS`]. Read from a setting as
/// `"30,7"`, a single number, or a TOML array `[30, 7]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "DaysSetting", into = "String")]
pub struct ReminderDays(Vec<u32>);

/// The forms a setting gives the days in.
#[derive(Deserialize)]
#[serde(untagged)]
enum DaysSetting {
    One(i64),
    Many(Vec<i64>),
    Text(String),
}

impl TryFrom<DaysSetting> for ReminderDays {
    type Error = String;

    fn try_from(setting: DaysSetting) -> Result<Self, String> {
        match setting {
            DaysSetting::One(days) => Self::new([days]),
            DaysSetting::Many(days) => Self::new(days),
            DaysSetting::Text(text) => Self::parse(&text),
        }
    }
}

impl From<ReminderDays> for String {
    fn from(days: ReminderDays) -> Self {
        days.to_string()
    }
}

impl ReminderDays {
    /// The thresholds `days`, or why they cannot be (zero, negative, past
    /// a year, none at all).
    pub fn new(days: impl IntoIterator<Item = i64>) -> Result<Self, String> {
        let mut checked = Vec::new();
        for day in days {
            match u32::try_from(day) {
                Ok(day) if (1..=MAX_REMINDER_DAYS).contains(&day) => checked.push(day),
                _ => {
                    return Err(format!(
                        "expected days before the date, each from 1 to {MAX_REMINDER_DAYS}, found {day}"
                    ));
                }
            }
        }
        if checked.is_empty() {
            return Err("expected at least one number of days (e.g. 30,7), found none".to_owned());
        }
        checked.sort_unstable();
        checked.dedup();
        Ok(Self(checked))
    }

    /// Parses `30,7` (commas or spaces between the numbers).
    pub fn parse(text: &str) -> Result<Self, String> {
        let numbers = text
            .split(|c: char| c == ',' || c.is_whitespace())
            .filter(|part| !part.is_empty())
            .map(|part| {
                part.parse::<i64>()
                    .map_err(|_| format!("expected numbers of days (e.g. 30,7), found `{part}`"))
            })
            .collect::<Result<Vec<_>, _>>()?;
        Self::new(numbers)
    }

    /// The thresholds, smallest first.
    pub fn days(&self) -> &[u32] {
        &self.0
    }

    /// The largest threshold: how far ahead a sweep must look.
    pub fn furthest(&self) -> chrono::Duration {
        chrono::Duration::days(i64::from(self.0.last().copied().unwrap_or(0)))
    }

    /// The threshold due at `now` for a date `at`: the smallest N with
    /// `at - N days <= now < at`. `None` once the date has come, or while
    /// it is further off than every threshold.
    pub fn due(&self, now: chrono::NaiveDateTime, at: chrono::NaiveDateTime) -> Option<u32> {
        if now >= at {
            return None;
        }
        self.0
            .iter()
            .copied()
            .find(|days| at - chrono::Duration::days(i64::from(*days)) <= now)
    }
}

impl fmt::Display for ReminderDays {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut days = self.0.iter().rev();
        if let Some(first) = days.next() {
            write!(f, "{first}")?;
        }
        for day in days {
            write!(f, ",{day}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Duration, NaiveDateTime};

    fn at(text: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M").unwrap()
    }

    #[test]
    fn the_setting_reads_a_list_a_number_or_an_array() {
        let days = ReminderDays::parse("30,7").unwrap();
        assert_eq!(days.days(), [7, 30]);
        assert_eq!(days.to_string(), "30,7");
        assert_eq!(ReminderDays::parse(" 7 30 7").unwrap().days(), [7, 30]);
        let one: ReminderDays = serde_json::from_str("3").unwrap();
        assert_eq!(one.days(), [3]);
        let many: ReminderDays = serde_json::from_str("[30, 7]").unwrap();
        assert_eq!(many.days(), [7, 30]);
    }

    #[test]
    fn zero_negative_past_a_year_or_nothing_is_refused() {
        for bad in ["0", "-7", "366", "", "30,x", "7,,400"] {
            assert!(ReminderDays::parse(bad).is_err(), "{bad}");
        }
        assert!(serde_json::from_str::<ReminderDays>("0").is_err());
        assert!(ReminderDays::parse("365,1").is_ok());
    }

    #[test]
    fn only_the_nearest_threshold_not_yet_passed_is_due() {
        let days = ReminderDays::parse("30,7").unwrap();
        let renews = at("2027-01-31 12:00");
        assert_eq!(days.due(renews - Duration::days(31), renews), None);
        assert_eq!(days.due(renews - Duration::days(30), renews), Some(30));
        assert_eq!(days.due(renews - Duration::days(8), renews), Some(30));
        assert_eq!(days.due(renews - Duration::days(7), renews), Some(7));
        assert_eq!(days.due(renews - Duration::hours(1), renews), Some(7));
        assert_eq!(days.due(renews, renews), None);
        assert_eq!(days.furthest(), Duration::days(30));
    }
}
