//! The job queue: runs by kind and outcome, jobs waiting by kind, and how
//! long the longest-waiting due job has waited (a stuck queue shows here
//! before readers miss their emails).

use prometheus::{Gauge, IntCounterVec, IntGaugeVec, Opts, Registry};

/// The queue's families.
pub struct JobMetrics {
    /// Finished runs by kind and outcome (`done`, `retried`, `dead`).
    pub runs: IntCounterVec,
    /// Pending or running jobs by kind (sampled by the workers).
    pub depth: IntGaugeVec,
    /// Seconds the oldest due pending job has waited (0 when none waits).
    pub oldest_pending_seconds: Gauge,
}

impl JobMetrics {
    /// Registers the families in `registry`.
    pub fn new(registry: &Registry) -> prometheus::Result<Self> {
        let runs = IntCounterVec::new(
            Opts::new("jobs_total", "Job runs by kind and outcome"),
            &["kind", "outcome"],
        )?;
        let depth = IntGaugeVec::new(
            Opts::new("jobs_queue_depth", "Jobs pending or running, by kind"),
            &["kind"],
        )?;
        let oldest_pending_seconds = Gauge::new(
            "jobs_oldest_pending_age_seconds",
            "How long the longest-waiting due job has waited",
        )?;
        registry.register(Box::new(runs.clone()))?;
        registry.register(Box::new(depth.clone()))?;
        registry.register(Box::new(oldest_pending_seconds.clone()))?;
        Ok(Self {
            runs,
            depth,
            oldest_pending_seconds,
        })
    }

    /// Shows every kind's depth (0 until sampled), so a dashboard sees a
    /// kind before its first job. The queue names its kinds, not this
    /// module, which knows nothing of jobs.
    pub fn declare_kinds<'a>(&self, kinds: impl IntoIterator<Item = &'a str>) {
        for kind in kinds {
            self.depth.with_label_values(&[kind]).set(0);
        }
    }
}
