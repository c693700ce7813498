//! The connection pool and the one helper that runs diesel off the async
//! workers.

use super::DbConnection;
use super::{PoolError, RunError};
use diesel::r2d2::{self, ManageConnection, Pool, PooledConnection};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, PoisonError};
use std::time::{Duration, Instant};
use tokio::sync::{OwnedSemaphorePermit, Semaphore, TryAcquireError};

/// Opens connections for r2d2 with [`DbConnection::open`], so every pooled
/// SQLite connection carries the pragmas.
#[derive(Debug, Clone)]
pub struct ConnectionManager {
    url: String,
    opening: Arc<Opening>,
}

/// The connections r2d2 is opening on its own threads. r2d2 opens them in
/// the background (to refill `min_idle` after every checkout) and never
/// joins those threads, so a command that exited while libpq was still
/// connecting crashed in libpq's or the allocator's teardown (SIGSEGV, in
/// about one `masthead migrate` of five). [`Database::close`] refuses new
/// attempts and waits for these before the pool is dropped.
#[derive(Debug, Default)]
struct Opening {
    state: Mutex<OpeningState>,
    changed: Condvar,
}

#[derive(Debug, Default)]
struct OpeningState {
    in_flight: usize,
    closed: bool,
}

impl Opening {
    /// Counts an attempt in, unless the pool is closing.
    fn begin(&self) -> bool {
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        if state.closed {
            return false;
        }
        state.in_flight += 1;
        true
    }

    fn end(&self) {
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        state.in_flight -= 1;
        self.changed.notify_all();
    }

    /// Refuses further attempts and waits (at most `limit`) for the ones
    /// under way; false if some were still running at the limit.
    fn close(&self, limit: Duration) -> bool {
        let deadline = Instant::now() + limit;
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        state.closed = true;
        while state.in_flight > 0 {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return false;
            }
            state = self
                .changed
                .wait_timeout(state, left)
                .unwrap_or_else(PoisonError::into_inner)
                .0;
        }
        true
    }
}

/// A pooled connection and whether it was found dead. Diesel only notices
/// a broken transaction, not a connection the server closed (a restart, a
/// failover): without this flag such a connection would go back to the
/// pool and fail every request that drew it.
pub struct PooledDb {
    conn: DbConnection,
    broken: bool,
}

impl std::ops::Deref for PooledDb {
    type Target = DbConnection;
    fn deref(&self) -> &DbConnection {
        &self.conn
    }
}

impl std::ops::DerefMut for PooledDb {
    fn deref_mut(&mut self) -> &mut DbConnection {
        &mut self.conn
    }
}

impl PooledDb {
    /// After an error that may have come from the connection itself, checks
    /// it with `SELECT 1` and marks it for discarding if that fails too.
    fn check_after(&mut self, error: &impl RunError) {
        use diesel::connection::SimpleConnection;
        if error.may_come_from_the_connection() {
            self.broken = self.conn.batch_execute("SELECT 1").is_err();
        }
    }
}

/// Logs why r2d2 could not open a connection, except the refusals of a
/// pool that is closing (nothing is wrong then).
#[derive(Debug)]
struct LogOpenErrors(Arc<Opening>);

impl r2d2::HandleError<diesel::r2d2::Error> for LogOpenErrors {
    fn handle_error(&self, error: diesel::r2d2::Error) {
        let closed = self
            .0
            .state
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .closed;
        if !closed {
            tracing::error!(%error, "cannot open a database connection");
        }
    }
}

impl ManageConnection for ConnectionManager {
    type Connection = PooledDb;
    type Error = diesel::r2d2::Error;

    fn connect(&self) -> Result<PooledDb, Self::Error> {
        if !self.opening.begin() {
            return Err(diesel::r2d2::Error::ConnectionError(
                diesel::ConnectionError::BadConnection("the pool is closed".to_owned()),
            ));
        }
        let opened = DbConnection::open(&self.url);
        self.opening.end();
        opened
            .map(|conn| PooledDb {
                conn,
                broken: false,
            })
            .map_err(diesel::r2d2::Error::ConnectionError)
    }

    fn is_valid(&self, conn: &mut PooledDb) -> Result<(), Self::Error> {
        use diesel::connection::SimpleConnection;
        conn.conn
            .batch_execute("SELECT 1")
            .map_err(diesel::r2d2::Error::QueryError)
    }

    fn has_broken(&self, conn: &mut PooledDb) -> bool {
        conn.broken || diesel::r2d2::R2D2Connection::is_broken(&mut conn.conn)
    }
}

/// A cloneable handle on the pool.
///
/// Requests queue for a connection on an async, first-come-first-served
/// semaphore with as many permits as the pool has connections, so waiting
/// costs no blocking thread and no request is starved: r2d2's own wait is
/// neither async nor fair, which showed as a 400 ms p99 under load.
#[derive(Clone)]
pub struct Database {
    pool: Pool<ConnectionManager>,
    permits: Arc<Semaphore>,
    timeout: Duration,
    waits: Arc<WaitCounts>,
    opening: Arc<Opening>,
}

/// How the queue for connections is doing, for the metrics.
#[derive(Default)]
struct WaitCounts {
    /// Requests queued for a connection now.
    waiting: AtomicUsize,
    /// Requests that gave up waiting since the start.
    timeouts: AtomicU64,
}

/// Counts a request as waiting while it lives.
struct Waiting<'a>(&'a AtomicUsize);

impl<'a> Waiting<'a> {
    fn enter(waiting: &'a AtomicUsize) -> Self {
        waiting.fetch_add(1, Ordering::Relaxed);
        Self(waiting)
    }
}

impl Drop for Waiting<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::Relaxed);
    }
}

/// The pool at one moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PoolStats {
    /// Connections lent out.
    pub in_use: u32,
    /// Connections open and free.
    pub idle: u32,
    /// The most connections the pool opens.
    pub max: u32,
    /// Requests queued for a connection.
    pub waiting: usize,
    /// Requests that waited past the timeout since the start (each a 503).
    pub timeouts: u64,
}

impl Database {
    /// Builds a pool; connections are opened lazily except the first, which
    /// proves the URL works.
    pub fn connect(url: &str, size: u32, timeout: Duration) -> anyhow::Result<Self> {
        let opening = Arc::<Opening>::default();
        let built = r2d2::Builder::new()
            .max_size(size)
            .min_idle(Some(1))
            .connection_timeout(timeout)
            .test_on_check_out(false)
            .error_handler(Box::new(LogOpenErrors(Arc::clone(&opening))))
            .build(ConnectionManager {
                url: url.to_owned(),
                opening: Arc::clone(&opening),
            });
        let pool = match built {
            Ok(pool) => pool,
            Err(error) => {
                // r2d2 may still be retrying on its threads.
                opening.close(timeout);
                return Err(error.into());
            }
        };
        Ok(Self {
            pool,
            permits: Arc::new(Semaphore::new(size as usize)),
            timeout,
            waits: Arc::default(),
            opening,
        })
    }

    /// Closes the pool before the process exits: no connection is opened
    /// any more, the ones being opened on r2d2's threads are waited for (at
    /// most the connection timeout), and the open ones are closed here, on
    /// this thread. Every command calls it last (see `cli.rs`); other
    /// clones of this handle keep their connections until they are dropped.
    pub fn close(self) {
        if !self.opening.close(self.timeout) {
            tracing::warn!("a database connection was still opening at shutdown");
        }
        drop(self.pool);
    }

    /// A connection for blocking code (CLI, migrations, tests).
    pub fn get(&self) -> Result<PooledConnection<ConnectionManager>, PoolError> {
        self.pool.get().map_err(|error| {
            tracing::warn!(%error, "no database connection");
            PoolError::Unavailable
        })
    }

    /// Runs `f` with a pooled connection on the blocking thread pool, so
    /// diesel never stalls an async worker. A pool that cannot hand out a
    /// connection within the timeout fails with [`PoolError::Unavailable`],
    /// converted into the caller's error type `E` (the API answers 503), so
    /// `db/` does not know how the web layer reports it. Handlers call the
    /// API's form, `Database::run` (defined beside the error type).
    pub async fn run_with<T, E, F>(&self, f: F) -> Result<T, E>
    where
        F: FnOnce(&mut DbConnection) -> Result<T, E> + Send + 'static,
        T: Send + 'static,
        E: RunError,
    {
        let permit = self.permit().await?;
        let db = self.clone();
        tokio::task::spawn_blocking(move || {
            let _permit = permit;
            let mut conn = db.get()?;
            let result = f(&mut conn);
            if let Err(error) = &result {
                conn.check_after(error);
            }
            result
        })
        .await
        .map_err(|error| PoolError::Unexpected(format!("blocking task failed: {error}")))?
    }

    /// A turn at a connection: at once when one is free (a fair semaphore
    /// hands none out while others queue), else in the queue, counted as
    /// waiting, for at most the timeout.
    async fn permit(&self) -> Result<OwnedSemaphorePermit, PoolError> {
        let closed = |error: &dyn std::fmt::Display| {
            PoolError::Unexpected(format!("database permits closed: {error}"))
        };
        match self.permits.clone().try_acquire_owned() {
            Ok(permit) => return Ok(permit),
            Err(TryAcquireError::Closed) => return Err(closed(&"closed")),
            Err(TryAcquireError::NoPermits) => {}
        }
        let _waiting = Waiting::enter(&self.waits.waiting);
        tokio::time::timeout(self.timeout, self.permits.clone().acquire_owned())
            .await
            .map_err(|_| {
                self.waits.timeouts.fetch_add(1, Ordering::Relaxed);
                tracing::warn!("timed out waiting for a database connection");
                PoolError::Unavailable
            })?
            .map_err(|error| closed(&error))
    }

    /// Whether a connection can be had and answers `SELECT 1`.
    pub async fn is_ready(&self) -> bool {
        self.run_with(|conn| {
            use diesel::connection::SimpleConnection;
            conn.batch_execute("SELECT 1")
                .map_err(|error| PoolError::Unexpected(error.to_string()))
        })
        .await
        .is_ok()
    }

    /// Pool statistics for metrics: (connections, idle).
    pub fn state(&self) -> (u32, u32) {
        let state = self.pool.state();
        (state.connections, state.idle_connections)
    }

    /// The pool and its queue now, for the metrics.
    pub fn stats(&self) -> PoolStats {
        let state = self.pool.state();
        PoolStats {
            in_use: state.connections.saturating_sub(state.idle_connections),
            idle: state.idle_connections,
            max: self.pool.max_size(),
            waiting: self.waits.waiting.load(Ordering::Relaxed),
            timeouts: self.waits.timeouts.load(Ordering::Relaxed),
        }
    }
}
