//! Log lines dropped because the log writer fell behind
//! ([`crate::telemetry`]), read when scraped. A rising count means the log
//! destination is too slow for the load: the service kept answering, and
//! the lines it could not queue are missing from the log.

use prometheus::IntCounter;
use prometheus::core::{Collector, Desc};
use prometheus::proto::MetricFamily;

pub(super) struct LoggingCollector {
    desc: Vec<Desc>,
}

fn dropped() -> prometheus::Result<IntCounter> {
    IntCounter::new(
        "log_lines_dropped_total",
        "Log lines dropped because the log writer's queue was full",
    )
}

impl LoggingCollector {
    pub(super) fn new() -> prometheus::Result<Self> {
        Ok(Self {
            desc: dropped()?.desc().into_iter().cloned().collect(),
        })
    }
}

impl Collector for LoggingCollector {
    fn desc(&self) -> Vec<&Desc> {
        self.desc.iter().collect()
    }

    fn collect(&self) -> Vec<MetricFamily> {
        match dropped() {
            Ok(counter) => {
                counter.inc_by(crate::telemetry::dropped_lines());
                counter.collect()
            }
            Err(_) => Vec::new(),
        }
    }
}
