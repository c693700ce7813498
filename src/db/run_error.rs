//! What [`Database::run_with`](super::Database::run_with) itself can fail
//! with, and what it asks of the caller's error type: `db/` reports its own
//! failures and leaves how to answer them (503, a log line) to the caller.

/// Why the work never ran, or its thread failed.
#[derive(Debug, thiserror::Error)]
pub enum PoolError {
    /// No connection within the timeout, or none could be opened.
    #[error("no database connection")]
    Unavailable,
    /// The blocking pool or the permits failed: a shutdown or a bug.
    #[error("{0}")]
    Unexpected(String),
}

/// An error type `Database::run_with` can return.
pub trait RunError: From<PoolError> + Send + 'static {
    /// Whether the error may have come from the connection itself; the
    /// pool then checks it with `SELECT 1` before handing it out again.
    fn may_come_from_the_connection(&self) -> bool;
}

impl RunError for PoolError {
    fn may_come_from_the_connection(&self) -> bool {
        true
    }
}
