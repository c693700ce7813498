//! The metered paywall's rules: a visitor who may not read an article may
//! still read a few walled articles per rolling window (N for anonymous
//! visitors, M for registered readers), each counted once however often it
//! is reopened. Pure: the caller copies in the reads the database holds
//! for this visitor's meter and the time.

use super::ReaderId;
use super::stored_text::stored_enum;
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use utoipa::ToSchema;

stored_enum! {
    /// How an article stands towards the meter. An unknown stored value
    /// reads as `walled`: the meter never opens what it does not understand.
    #[derive(Default, Serialize, Deserialize, ToSchema)]
    #[serde(rename_all = "snake_case")]
    pub enum MeterRule (unknown = Walled) {
        /// The meter may open it, counting one read (the default).
        #[default]
        Metered,
        /// The meter opens it without counting: a free sample that does
        /// not use up a visitor's free articles.
        Exempt,
        /// The meter never opens it: subscribers only, always.
        Walled,
    }
}

/// How many walled articles each kind of visitor may read per window;
/// `0` turns the meter off for that kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MeterPolicy {
    /// Free articles for a visitor who is not logged in.
    pub anonymous: u32,
    /// Free articles for a logged-in reader without access.
    pub registered: u32,
    /// The rolling window, in days.
    pub window_days: u32,
}

/// The longest window honoured (a year): a larger setting is read as this,
/// so no date arithmetic can overflow and an idle meter can be deleted
/// after a year.
pub const MAX_METER_WINDOW_DAYS: u32 = 366;

impl MeterPolicy {
    /// The rolling window.
    pub fn window(self) -> Duration {
        Duration::days(i64::from(self.window_days.min(MAX_METER_WINDOW_DAYS)))
    }

    /// The allowance of a visitor (`registered`: logged in), when a meter
    /// applies to them at all.
    pub fn limit_for(self, registered: bool) -> Option<u32> {
        let limit = if registered {
            self.registered
        } else {
            self.anonymous
        };
        (limit > 0 && self.window_days > 0).then_some(limit)
    }
}

/// The meter id of a reader's account (an anonymous visitor's is
/// `visitor:<random id>`).
pub fn reader_meter(reader: &ReaderId) -> String {
    format!("reader:{reader}")
}

/// One article a meter has counted, and when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MeteredRead {
    /// The article's id.
    pub article_id: String,
    /// When it was counted.
    pub read_at: DateTime<Utc>,
}

/// One visitor's meter: the allowance and the reads counted against it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Meter {
    /// Free articles per window.
    pub limit: u32,
    /// The window's length.
    pub window: Duration,
    /// The reads counted (older ones may be listed; they no longer count),
    /// shared with the cache: deciding a read copies nothing, counting one
    /// copies the list once.
    pub reads: Arc<Vec<MeteredRead>>,
}

/// What a meter says about one article.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MeterVerdict {
    /// The meter opens the article; `counts` when reading it in full uses
    /// up one of the free articles (not yet counted, not exempt).
    Opens {
        /// Whether a full read counts one more.
        counts: bool,
    },
    /// The allowance is used up, or the article is walled.
    Closed,
}

/// The meter as the API reports it: `{used, limit, resets_at}`, so the
/// site can say "2 of 3 free articles left".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
pub struct MeterView {
    /// Free articles read in the current window.
    pub used: u32,
    /// Free articles per window.
    pub limit: u32,
    /// When the oldest counted read leaves the window and a free article
    /// comes back; `null` while none is counted.
    pub resets_at: Option<DateTime<Utc>>,
}

impl Meter {
    fn window_start(&self, now: DateTime<Utc>) -> DateTime<Utc> {
        now - self.window
    }

    fn current(&self, now: DateTime<Utc>) -> impl Iterator<Item = &MeteredRead> {
        let start = self.window_start(now);
        self.reads.iter().filter(move |read| read.read_at > start)
    }

    /// Free articles read in the window ending at `now`.
    pub fn used(&self, now: DateTime<Utc>) -> u32 {
        u32::try_from(self.current(now).count()).unwrap_or(u32::MAX)
    }

    /// Whether `article_id` was counted inside the window: reopening it is free.
    pub fn has_counted(&self, article_id: &str, now: DateTime<Utc>) -> bool {
        self.current(now).any(|read| read.article_id == article_id)
    }

    /// What the meter says about an article under `rule` at `now`.
    pub fn verdict(&self, article_id: &str, rule: MeterRule, now: DateTime<Utc>) -> MeterVerdict {
        match rule {
            MeterRule::Exempt => MeterVerdict::Opens { counts: false },
            MeterRule::Metered if self.has_counted(article_id, now) => {
                MeterVerdict::Opens { counts: false }
            }
            MeterRule::Metered if self.used(now) < self.limit => {
                MeterVerdict::Opens { counts: true }
            }
            MeterRule::Metered | MeterRule::Walled => MeterVerdict::Closed,
        }
    }

    /// The meter with `article_id` counted at `now` (a read that counted).
    #[must_use]
    pub fn with_read(mut self, article_id: &str, now: DateTime<Utc>) -> Self {
        let reads = Arc::make_mut(&mut self.reads);
        reads.retain(|read| read.article_id != article_id);
        reads.push(MeteredRead {
            article_id: article_id.to_owned(),
            read_at: now,
        });
        self
    }

    /// The report at `now`.
    pub fn view(&self, now: DateTime<Utc>) -> MeterView {
        MeterView {
            used: self.used(now).min(self.limit),
            limit: self.limit,
            resets_at: self
                .current(now)
                .map(|read| read.read_at)
                .min()
                .map(|oldest| oldest + self.window),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, 1, 12, 0, 0).unwrap()
    }

    fn meter(limit: u32, reads: &[(&str, i64)]) -> Meter {
        Meter {
            limit,
            window: Duration::days(30),
            reads: reads
                .iter()
                .map(|(id, days_ago)| MeteredRead {
                    article_id: (*id).to_owned(),
                    read_at: now() - Duration::days(*days_ago),
                })
                .collect::<Vec<_>>()
                .into(),
        }
    }

    #[test]
    fn a_policy_of_zero_or_an_empty_window_meters_nobody() {
        let off = MeterPolicy {
            anonymous: 0,
            registered: 5,
            window_days: 30,
        };
        assert_eq!(off.limit_for(false), None);
        assert_eq!(off.limit_for(true), Some(5));
        let no_window = MeterPolicy {
            window_days: 0,
            ..off
        };
        assert_eq!(no_window.limit_for(true), None);
    }

    #[test]
    fn the_meter_opens_until_the_allowance_is_used_then_closes() {
        let table = [
            (meter(3, &[]), "a", MeterVerdict::Opens { counts: true }),
            (
                meter(3, &[("x", 1), ("y", 2)]),
                "a",
                MeterVerdict::Opens { counts: true },
            ),
            (
                meter(3, &[("x", 1), ("y", 2), ("z", 3)]),
                "a",
                MeterVerdict::Closed,
            ),
        ];
        for (meter, article, expected) in table {
            assert_eq!(meter.verdict(article, MeterRule::Metered, now()), expected);
        }
    }

    #[test]
    fn reopening_a_counted_article_is_free_even_when_the_allowance_is_used() {
        let full = meter(2, &[("x", 1), ("y", 2)]);
        assert_eq!(
            full.verdict("x", MeterRule::Metered, now()),
            MeterVerdict::Opens { counts: false }
        );
        assert_eq!(
            full.verdict("z", MeterRule::Metered, now()),
            MeterVerdict::Closed
        );
    }

    #[test]
    fn reads_older_than_the_window_no_longer_count() {
        let old = meter(2, &[("x", 31), ("y", 30), ("z", 29)]);
        assert_eq!(
            old.used(now()),
            1,
            "exactly 30 days ago has left the window"
        );
        assert_eq!(
            old.verdict("x", MeterRule::Metered, now()),
            MeterVerdict::Opens { counts: true },
            "an article read before the window counts again"
        );
    }

    #[test]
    fn exempt_articles_open_without_counting_and_walled_ones_never_open() {
        let full = meter(1, &[("x", 1)]);
        assert_eq!(
            full.verdict("free", MeterRule::Exempt, now()),
            MeterVerdict::Opens { counts: false }
        );
        let empty = meter(3, &[]);
        assert_eq!(
            empty.verdict("w", MeterRule::Walled, now()),
            MeterVerdict::Closed
        );
    }

    #[test]
    fn the_view_says_how_many_are_used_and_when_the_oldest_comes_back() {
        let m = meter(3, &[("x", 10), ("y", 2), ("old", 40)]);
        let view = m.view(now());
        assert_eq!(view.used, 2);
        assert_eq!(view.limit, 3);
        assert_eq!(view.resets_at, Some(now() + Duration::days(20)));
        assert_eq!(meter(3, &[]).view(now()).resets_at, None);
    }

    #[test]
    fn a_new_read_replaces_an_expired_one_of_the_same_article() {
        let m = meter(3, &[("x", 40)]).with_read("x", now());
        assert_eq!(m.reads.len(), 1);
        assert_eq!(m.used(now()), 1);
    }

    #[test]
    fn more_reads_than_the_limit_report_the_limit() {
        // Two instances racing could each count the last free article.
        let m = meter(1, &[("x", 1), ("y", 1)]);
        assert_eq!(m.view(now()).used, 1);
    }
}
