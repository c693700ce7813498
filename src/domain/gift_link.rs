//! Gift links to one article: what makes a presented link valid, the
//! monthly allowance's calendar, and the bounds of an expiry. Pure: the
//! caller copies in what the database holds and the time.

use super::{FieldError, SubscriptionState};
use chrono::{DateTime, Datelike, Duration, TimeZone, Utc};

/// The longest a gift link may be made to last: a year.
pub const MAX_GIFT_LINK_DAYS: i64 = 365;

/// Who stands behind a gift link, as it is now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Giver {
    /// An editor's publisher link: it depends on no subscription.
    Publisher {
        /// Whether the editor's account is disabled (or deleted).
        disabled: bool,
    },
    /// A subscriber's link.
    Subscriber {
        /// Whether the giver's account is disabled (or deleted).
        disabled: bool,
        /// The state now of the subscription that granted the article
        /// when the link was made (`None` when unknown).
        subscription: Option<SubscriptionState>,
    },
}

/// A gift link presented with a request, as the gate sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GiftPass<'a> {
    /// The one article the link opens.
    pub article_id: &'a str,
    /// When it stops working (exclusive), if ever.
    pub expires_at: Option<DateTime<Utc>>,
    /// Whether its giver revoked it.
    pub revoked: bool,
    /// Who gave it.
    pub giver: Giver,
}

impl GiftPass<'_> {
    /// Whether the link opens `article_id` at `now`: the same article, not
    /// revoked, not expired, and its giver still in good standing (not
    /// disabled; a subscriber's subscription not refunded). A link whose
    /// subscription is unknown fails closed.
    pub fn opens(&self, article_id: &str, now: DateTime<Utc>) -> bool {
        let giver_stands = match self.giver {
            Giver::Publisher { disabled } => !disabled,
            Giver::Subscriber {
                disabled,
                subscription,
            } => {
                !disabled && subscription.is_some_and(|state| state != SubscriptionState::Refunded)
            }
        };
        self.article_id == article_id
            && !self.revoked
            && self.expires_at.is_none_or(|end| now < end)
            && giver_stands
    }
}

/// The start (inclusive) of the calendar month (UTC) `now` falls in: the
/// allowance counts the links made since.
pub fn allowance_month_start(now: DateTime<Utc>) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(now.year(), now.month(), 1, 0, 0, 0)
        .single()
        .expect("the first of a month at midnight UTC exists")
}

/// When the allowance starts again: the first of next month, UTC.
pub fn allowance_resets_at(now: DateTime<Utc>) -> DateTime<Utc> {
    let (year, month) = if now.month() == 12 {
        (now.year() + 1, 1)
    } else {
        (now.year(), now.month() + 1)
    };
    Utc.with_ymd_and_hms(year, month, 1, 0, 0, 0)
        .single()
        .expect("the first of a month at midnight UTC exists")
}

/// The expiry a giver asked for: `expires_in_days` (1 to 365) or
/// `expires_at` (in the future, at most 365 days ahead), not both; neither
/// means the link lasts until revoked.
pub fn gift_link_expiry(
    expires_in_days: Option<i64>,
    expires_at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Result<Option<DateTime<Utc>>, FieldError> {
    let latest = now + Duration::days(MAX_GIFT_LINK_DAYS);
    match (expires_in_days, expires_at) {
        (Some(_), Some(_)) => Err(FieldError::new(
            "expiry_ambiguous",
            "give expires_in_days or expires_at, not both",
        )
        .at("expires_at")),
        (Some(days), None) if (1..=MAX_GIFT_LINK_DAYS).contains(&days) => {
            Ok(Some(now + Duration::days(days)))
        }
        (Some(_), None) => Err(FieldError::new(
            "out_of_range",
            format!("expires_in_days must be from 1 to {MAX_GIFT_LINK_DAYS}"),
        )
        .at("expires_in_days")),
        (None, Some(at)) if at > now && at <= latest => Ok(Some(at)),
        (None, Some(_)) => Err(FieldError::new(
            "out_of_range",
            format!("expires_at must be in the future, at most {MAX_GIFT_LINK_DAYS} days ahead"),
        )
        .at("expires_at")),
        (None, None) => Ok(None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(y: i32, m: u32, d: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, m, d, 15, 30, 0).unwrap()
    }

    fn pass(giver: Giver) -> GiftPass<'static> {
        GiftPass {
            article_id: "a",
            expires_at: Some(at(2026, 6, 20)),
            revoked: false,
            giver,
        }
    }

    const SUBSCRIBER: Giver = Giver::Subscriber {
        disabled: false,
        subscription: Some(SubscriptionState::Active),
    };

    #[test]
    fn a_link_opens_only_its_own_article_while_it_lasts() {
        let now = at(2026, 6, 15);
        let cases: [(GiftPass, &str, DateTime<Utc>, bool); 9] = [
            (pass(SUBSCRIBER), "a", now, true),
            (pass(SUBSCRIBER), "b", now, false),
            (pass(SUBSCRIBER), "a", at(2026, 6, 20), false),
            (
                GiftPass {
                    revoked: true,
                    ..pass(SUBSCRIBER)
                },
                "a",
                now,
                false,
            ),
            (
                GiftPass {
                    expires_at: None,
                    ..pass(SUBSCRIBER)
                },
                "a",
                at(2030, 1, 1),
                true,
            ),
            (
                pass(Giver::Subscriber {
                    disabled: false,
                    subscription: Some(SubscriptionState::Refunded),
                }),
                "a",
                now,
                false,
            ),
            (
                pass(Giver::Subscriber {
                    disabled: true,
                    subscription: Some(SubscriptionState::Active),
                }),
                "a",
                now,
                false,
            ),
            (pass(Giver::Publisher { disabled: false }), "a", now, true),
            (pass(Giver::Publisher { disabled: true }), "a", now, false),
        ];
        for (i, (pass, article, when, opens)) in cases.into_iter().enumerate() {
            assert_eq!(pass.opens(article, when), opens, "case {i}");
        }
    }

    #[test]
    fn a_link_whose_subscription_is_unknown_opens_nothing() {
        let giver = Giver::Subscriber {
            disabled: false,
            subscription: None,
        };
        assert!(!pass(giver).opens("a", at(2026, 6, 15)));
    }

    #[test]
    fn the_allowance_follows_the_utc_calendar_month() {
        assert_eq!(
            allowance_month_start(at(2026, 6, 15)),
            Utc.with_ymd_and_hms(2026, 6, 1, 0, 0, 0).unwrap()
        );
        assert_eq!(
            allowance_resets_at(at(2026, 6, 15)),
            Utc.with_ymd_and_hms(2026, 7, 1, 0, 0, 0).unwrap()
        );
        assert_eq!(
            allowance_resets_at(at(2026, 12, 31)),
            Utc.with_ymd_and_hms(2027, 1, 1, 0, 0, 0).unwrap()
        );
    }

    #[test]
    fn expiries_are_bounded_to_a_year_ahead() {
        let now = at(2026, 6, 15);
        assert_eq!(gift_link_expiry(None, None, now), Ok(None));
        assert_eq!(
            gift_link_expiry(Some(7), None, now),
            Ok(Some(now + Duration::days(7)))
        );
        assert!(gift_link_expiry(Some(0), None, now).is_err());
        assert!(gift_link_expiry(Some(366), None, now).is_err());
        assert!(gift_link_expiry(None, Some(now - Duration::seconds(1)), now).is_err());
        assert!(gift_link_expiry(None, Some(now + Duration::days(366)), now).is_err());
        assert!(gift_link_expiry(Some(1), Some(now + Duration::days(1)), now).is_err());
    }
}
