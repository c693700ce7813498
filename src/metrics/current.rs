//! The application's metrics for the duration of a request, for code whose
//! callers do not pass them along (a staff refund runs in
//! `billing::refund_subscription`, called from admin handlers that only
//! hand it the database and the payment provider). The request middleware
//! sets the scope; outside a request (the CLI) nothing is counted.

use super::Metrics;
use std::future::Future;
use std::sync::Arc;

tokio::task_local! {
    static CURRENT: Arc<Metrics>;
}

/// Runs `work` with `metrics` as the current metrics.
pub async fn in_scope<F: Future>(metrics: Arc<Metrics>, work: F) -> F::Output {
    CURRENT.scope(metrics, work).await
}

/// Calls `record` with the current metrics, if there are any.
pub fn with_current(record: impl FnOnce(&Metrics)) {
    let _ = CURRENT.try_with(|metrics| record(metrics));
}
