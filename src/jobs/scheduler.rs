//! The periodic scheduler: every instance, on every tick, enqueues each
//! sweep for the current period with the dedupe key `<kind>:<period
//! start>`. The key is unique in the table, so however many instances
//! tick, each sweep is one job per period, run by whichever worker claims
//! it.

use super::{JobKind, enqueue};
use crate::db::Database;
use chrono::{DateTime, NaiveDateTime};

/// The start of the period `now` falls in, periods being `minutes` long
/// and counted from the Unix epoch (so every instance agrees).
pub fn period_start(now: NaiveDateTime, minutes: i64) -> NaiveDateTime {
    let seconds = minutes.max(1) * 60;
    let epoch = now.and_utc().timestamp();
    let start = epoch - epoch.rem_euclid(seconds);
    DateTime::from_timestamp(start, 0).map_or(now, |start| start.naive_utc())
}

/// The dedupe key of `kind`'s job for the period starting at `start`.
pub fn period_key(kind: JobKind, start: NaiveDateTime) -> String {
    format!("{}:{}", kind.as_str(), start.and_utc().timestamp())
}

/// Enqueues each of `kinds` for the current period, unless queued already
/// (by this instance or another); returns how many this call queued.
pub async fn enqueue_period(
    db: &Database,
    kinds: &'static [JobKind],
    minutes: i64,
) -> anyhow::Result<usize> {
    let queued = db
        .run(move |conn| {
            let start = period_start(chrono::Utc::now().naive_utc(), minutes);
            let mut queued = 0;
            for kind in kinds {
                let key = period_key(*kind, start);
                if enqueue(conn, *kind, &serde_json::json!({}), start, Some(&key))?.is_some() {
                    queued += 1;
                }
            }
            Ok(queued)
        })
        .await?;
    Ok(queued)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn instances_agree_on_the_period() {
        let at = |s: &str| NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S").unwrap();
        let start = at("2026-12-01 13:00:00");
        assert_eq!(period_start(at("2026-12-01 13:00:00"), 60), start);
        assert_eq!(period_start(at("2026-12-01 13:59:59"), 60), start);
        assert_eq!(
            period_start(at("2026-12-01 14:00:00"), 60),
            at("2026-12-01 14:00:00")
        );
        assert_eq!(
            period_key(JobKind::PruneJobs, start),
            format!("prune_jobs:{}", start.and_utc().timestamp())
        );
    }
}
