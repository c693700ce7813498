//! The database pool, read when scraped: connections in use and idle, the
//! pool's size, requests waiting for a connection, and how many gave up
//! waiting (each a 503).

use crate::db::Database;
use prometheus::core::{Collector, Desc};
use prometheus::proto::MetricFamily;
use prometheus::{IntCounter, IntGauge, IntGaugeVec, Opts};

pub(super) struct PoolCollector {
    db: Database,
    descs: Vec<Desc>,
}

fn connections() -> prometheus::Result<IntGaugeVec> {
    IntGaugeVec::new(
        Opts::new(
            "db_pool_connections",
            "Open database connections, in use or idle",
        ),
        &["state"],
    )
}

fn max_connections() -> prometheus::Result<IntGauge> {
    IntGauge::new(
        "db_pool_max_connections",
        "The most connections the pool opens",
    )
}

fn waiting() -> prometheus::Result<IntGauge> {
    IntGauge::new(
        "db_pool_waiting",
        "Requests waiting for a database connection",
    )
}

fn timeouts() -> prometheus::Result<IntCounter> {
    IntCounter::new(
        "db_pool_timeouts_total",
        "Requests that waited for a connection past MASTHEAD_DATABASE_TIMEOUT_SECONDS (answered 503)",
    )
}

impl PoolCollector {
    pub(super) fn new(db: Database) -> prometheus::Result<Self> {
        let descs = [
            connections()?.desc(),
            max_connections()?.desc(),
            waiting()?.desc(),
            timeouts()?.desc(),
        ]
        .into_iter()
        .flatten()
        .cloned()
        .collect();
        Ok(Self { db, descs })
    }

    fn families(&self) -> prometheus::Result<Vec<MetricFamily>> {
        let stats = self.db.stats();
        let connections = connections()?;
        connections
            .with_label_values(&["in_use"])
            .set(i64::from(stats.in_use));
        connections
            .with_label_values(&["idle"])
            .set(i64::from(stats.idle));
        let max = max_connections()?;
        max.set(i64::from(stats.max));
        let waiting = waiting()?;
        waiting.set(i64::try_from(stats.waiting).unwrap_or(i64::MAX));
        let timeouts = timeouts()?;
        timeouts.inc_by(stats.timeouts);
        let mut families = connections.collect();
        families.extend(max.collect());
        families.extend(waiting.collect());
        families.extend(timeouts.collect());
        Ok(families)
    }
}

impl Collector for PoolCollector {
    fn desc(&self) -> Vec<&Desc> {
        self.descs.iter().collect()
    }

    fn collect(&self) -> Vec<MetricFamily> {
        self.families().unwrap_or_else(|error| {
            tracing::warn!(%error, "cannot collect the pool's metrics");
            Vec::new()
        })
    }
}
