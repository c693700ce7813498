//! Keeping the queue's gauges current: the workers sample the depth and
//! the oldest due job on every idle poll (one grouped count), so a scrape
//! reads gauges and never waits on the database.

use super::JobKind;
use crate::db::{self, Database};
use crate::metrics::JobMetrics;

/// Reads the depth by kind and the oldest due job into `metrics`.
pub async fn sample(db: &Database, metrics: &JobMetrics) -> anyhow::Result<()> {
    let (depth, oldest, now) = db
        .run(|conn| {
            let now = chrono::Utc::now().naive_utc();
            let depth = db::jobs::depth_by_kind(conn)?;
            let oldest = db::jobs::oldest_due(conn, now)?;
            Ok((depth, oldest, now))
        })
        .await?;
    for kind in JobKind::ALL {
        let waiting = depth
            .iter()
            .find(|(name, _)| name == kind.as_str())
            .map_or(0, |(_, count)| *count);
        metrics
            .depth
            .with_label_values(&[kind.as_str()])
            .set(waiting);
    }
    #[allow(clippy::cast_precision_loss)]
    let age = oldest.map_or(0.0, |oldest| {
        (now - oldest).num_milliseconds().max(0) as f64 / 1000.0
    });
    metrics.oldest_pending_seconds.set(age);
    Ok(())
}

/// Counts one finished run of `kind` with `outcome`.
pub fn count(metrics: &JobMetrics, kind: &str, outcome: &str) {
    metrics.runs.with_label_values(&[kind, outcome]).inc();
}
