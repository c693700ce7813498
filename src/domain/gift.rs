//! Gift subscriptions: what a buyer may order (a tier for 1, 3, 6 or 12
//! months, a message, a delivery date), what it costs, and where a gift
//! stands. Pure rules: the caller passes the clock.

use super::stored_text::stored_enum;
use super::{BillingInterval, FieldError};
use chrono::{DateTime, Duration, Months, NaiveDateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

stored_enum! {
    /// Where a gift stands. Each move is a conditional update on this
    /// status, so two requests racing cannot both redeem or both refund.
    /// An unknown stored status reads as `expired`: it opens nothing.
    #[derive(Serialize, ToSchema)]
    #[serde(rename_all = "snake_case")]
    pub enum GiftStatus (unknown = Expired) {
        /// Bought, not paid yet (the payment page is open).
        Open,
        /// Paid; waiting for its delivery date or for the recipient.
        Paid,
        /// The recipient redeemed it into a `gift` subscription.
        Redeemed,
        /// The money went back to the buyer; the gift opens nothing.
        Refunded,
        /// The payment page was never paid.
        Expired,
    }
}

/// The lengths a gift is sold in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(transparent)]
pub struct GiftMonths(u32);

impl GiftMonths {
    /// The lengths on sale.
    pub const ALLOWED: [u32; 4] = [1, 3, 6, 12];

    /// 422 `invalid_months` for anything but 1, 3, 6 or 12.
    pub fn parse(raw: i64) -> Result<Self, FieldError> {
        u32::try_from(raw)
            .ok()
            .filter(|months| Self::ALLOWED.contains(months))
            .map(Self)
            .ok_or_else(|| FieldError::new("invalid_months", "a gift lasts 1, 3, 6 or 12 months"))
    }

    /// A stored value (the database's CHECK allows only the lengths on sale).
    pub fn from_db(raw: i32) -> Option<Self> {
        Self::parse(i64::from(raw)).ok()
    }

    /// The number of months.
    pub fn get(self) -> u32 {
        self.0
    }

    /// The end (exclusive) of a gift starting at `start`: the same day
    /// `months` later, clamped to the month's end, as billing periods are.
    pub fn end_from(self, start: NaiveDateTime) -> Option<NaiveDateTime> {
        start.checked_add_months(Months::new(self.0))
    }
}

/// What a gift costs, from the tier's prices in one currency: twelve
/// months cost the yearly price when the tier has one (a year given costs
/// what a year bought costs, with the yearly discount); shorter gifts cost
/// the monthly price times the months. A tier sold only yearly prices a
/// shorter gift pro rata, rounded up to the minor unit. `None` when the
/// tier has neither price.
pub fn gift_price(
    months: GiftMonths,
    monthly: Option<i64>,
    yearly: Option<i64>,
) -> Option<(i64, BillingInterval)> {
    let n = i64::from(months.get());
    match (n, monthly, yearly) {
        (12, _, Some(year)) => Some((year, BillingInterval::Year)),
        (_, Some(month), _) => month.checked_mul(n).map(|c| (c, BillingInterval::Month)),
        (_, None, Some(year)) => year
            .checked_mul(n)
            .map(|c| ((c + 11) / 12, BillingInterval::Year)),
        (_, None, None) => None,
    }
}

/// The buyer's message to the recipient, as it will be shown in the
/// delivery email: trimmed, at most [`GiftMessage::MAX_CHARS`] characters,
/// line breaks kept as `\n` (a browser's `\r\n` is folded), no other control
/// character (NUL, a lone CR, escapes): the message is mail body text,
/// never a header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GiftMessage(String);

impl GiftMessage {
    /// The longest message accepted, in characters.
    pub const MAX_CHARS: usize = 1000;

    /// `None` for an absent or blank message.
    pub fn parse_optional(raw: Option<String>) -> Result<Option<Self>, FieldError> {
        let Some(raw) = raw else { return Ok(None) };
        let folded = raw.replace("\r\n", "\n");
        let trimmed = folded.trim();
        if trimmed.is_empty() {
            return Ok(None);
        }
        if trimmed.chars().count() > Self::MAX_CHARS {
            return Err(FieldError::new(
                "too_long",
                format!("a message is at most {} characters", Self::MAX_CHARS),
            ));
        }
        if trimmed
            .chars()
            .any(|c| c.is_control() && !matches!(c, '\n' | '\t'))
        {
            return Err(FieldError::new(
                "invalid_characters",
                "control characters (other than line breaks and tabs) are not allowed",
            ));
        }
        Ok(Some(Self(trimmed.to_owned())))
    }

    /// The text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// How far ahead a delivery may be scheduled.
pub const MAX_DELIVERY_AHEAD_DAYS: i64 = 366;

/// How far in the past a delivery date may lie and still mean "now" (the
/// buyer's clock and ours disagree a little).
const DELIVERY_SKEW: Duration = Duration::minutes(5);

/// When the gift is mailed to the recipient: `now` when not given; 422
/// `in_the_past` for a date before now (beyond a few minutes of clock
/// skew, which mean now), 422 `too_far_ahead` past
/// [`MAX_DELIVERY_AHEAD_DAYS`].
pub fn delivery_at(
    asked: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Result<DateTime<Utc>, FieldError> {
    let Some(at) = asked else { return Ok(now) };
    if at < now - DELIVERY_SKEW {
        return Err(FieldError::new(
            "in_the_past",
            "the delivery date must not be in the past",
        ));
    }
    if at > now + Duration::days(MAX_DELIVERY_AHEAD_DAYS) {
        return Err(FieldError::new(
            "too_far_ahead",
            format!("a gift is delivered at most {MAX_DELIVERY_AHEAD_DAYS} days ahead"),
        ));
    }
    Ok(at.max(now))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, 4, 12, 0, 0).unwrap()
    }

    #[test]
    fn only_one_three_six_and_twelve_months_are_sold() {
        for ok in [1, 3, 6, 12] {
            assert_eq!(
                GiftMonths::parse(ok).unwrap().get(),
                u32::try_from(ok).unwrap()
            );
        }
        for bad in [0, 2, 4, 5, 7, 11, 13, 24, -1, i64::MAX, i64::MIN] {
            assert_eq!(
                GiftMonths::parse(bad).unwrap_err().code,
                "invalid_months",
                "{bad}"
            );
        }
    }

    #[test]
    fn a_year_costs_the_yearly_price_and_months_the_monthly_one() {
        let m = |n| GiftMonths::parse(n).unwrap();
        assert_eq!(
            gift_price(m(12), Some(900), Some(9000)),
            Some((9000, BillingInterval::Year))
        );
        assert_eq!(
            gift_price(m(3), Some(900), Some(9000)),
            Some((2700, BillingInterval::Month))
        );
        assert_eq!(
            gift_price(m(12), Some(900), None),
            Some((10_800, BillingInterval::Month))
        );
        // Yearly only: pro rata, rounded up.
        assert_eq!(
            gift_price(m(1), None, Some(10_001)),
            Some((834, BillingInterval::Year))
        );
        assert_eq!(gift_price(m(6), None, None), None);
    }

    #[test]
    fn a_gift_ends_the_same_day_months_later() {
        let start = NaiveDateTime::parse_from_str("2027-01-31 10:00", "%Y-%m-%d %H:%M").unwrap();
        let end = GiftMonths::parse(1).unwrap().end_from(start).unwrap();
        assert_eq!(end.to_string(), "2027-02-28 10:00:00");
    }

    #[test]
    fn messages_keep_lines_and_refuse_control_characters() {
        let folded = GiftMessage::parse_optional(Some(" Happy\r\nbirthday! ".into()))
            .unwrap()
            .unwrap();
        assert_eq!(folded.as_str(), "Happy\nbirthday!");
        assert_eq!(
            GiftMessage::parse_optional(Some("  ".into())).unwrap(),
            None
        );
        assert_eq!(GiftMessage::parse_optional(None).unwrap(), None);
        for bad in ["a\0b", "a\rBcc: x", "\u{1b}[31m"] {
            let error = GiftMessage::parse_optional(Some(bad.into())).unwrap_err();
            assert_eq!(error.code, "invalid_characters", "{bad:?}");
        }
        let long = "x".repeat(GiftMessage::MAX_CHARS + 1);
        assert_eq!(
            GiftMessage::parse_optional(Some(long)).unwrap_err().code,
            "too_long"
        );
    }

    #[test]
    fn delivery_is_now_or_ahead_within_a_year() {
        assert_eq!(delivery_at(None, now()).unwrap(), now());
        let ahead = now() + Duration::days(30);
        assert_eq!(delivery_at(Some(ahead), now()).unwrap(), ahead);
        assert_eq!(
            delivery_at(Some(now() - Duration::minutes(1)), now()).unwrap(),
            now()
        );
        assert_eq!(
            delivery_at(Some(now() - Duration::days(1)), now())
                .unwrap_err()
                .code,
            "in_the_past"
        );
        assert_eq!(
            delivery_at(Some(now() + Duration::days(400)), now())
                .unwrap_err()
                .code,
            "too_far_ahead"
        );
    }

    #[test]
    fn statuses_round_trip() {
        for status in GiftStatus::ALL {
            assert_eq!(GiftStatus::parse(status.as_str()), Some(*status));
        }
        assert_eq!(GiftStatus::parse("delivered"), None);
    }
}
