//! The connection pool and the one helper that runs diesel off the async
//! workers.

use super::DbConnection;
use crate::error::ApiError;
use diesel::r2d2::{self, ManageConnection, Pool, PooledConnection};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Semaphore;

/// Opens connections for r2d2 with [`DbConnection::open`], so every pooled
/// SQLite connection carries the pragmas.
#[derive(Debug, Clone)]
pub struct ConnectionManager {
    url: String,
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
    fn check_after(&mut self, error: &ApiError) {
        use diesel::connection::SimpleConnection;
        if matches!(
            error,
            ApiError::Unavailable { .. } | ApiError::Unexpected(_)
        ) {
            self.broken = self.conn.batch_execute("SELECT 1").is_err();
        }
    }
}

impl ManageConnection for ConnectionManager {
    type Connection = PooledDb;
    type Error = diesel::r2d2::Error;

    fn connect(&self) -> Result<PooledDb, Self::Error> {
        DbConnection::open(&self.url)
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
}

impl Database {
    /// Builds a pool; connections are opened lazily except the first, which
    /// proves the URL works.
    pub fn connect(url: &str, size: u32, timeout: Duration) -> anyhow::Result<Self> {
        let pool = r2d2::Builder::new()
            .max_size(size)
            .min_idle(Some(1))
            .connection_timeout(timeout)
            .test_on_check_out(false)
            .build(ConnectionManager {
                url: url.to_owned(),
            })?;
        Ok(Self {
            pool,
            permits: Arc::new(Semaphore::new(size as usize)),
            timeout,
        })
    }

    /// A connection for blocking code (CLI, migrations, tests).
    pub fn get(&self) -> Result<PooledConnection<ConnectionManager>, ApiError> {
        self.pool.get().map_err(|error| {
            tracing::warn!(%error, "no database connection");
            ApiError::database_unavailable()
        })
    }

    /// Runs `f` with a pooled connection on the blocking thread pool, so
    /// diesel never stalls an async worker. A pool that cannot hand out a
    /// connection within the timeout answers 503.
    pub async fn run<T, F>(&self, f: F) -> Result<T, ApiError>
    where
        F: FnOnce(&mut DbConnection) -> Result<T, ApiError> + Send + 'static,
        T: Send + 'static,
    {
        let permit =
            actix_web::rt::time::timeout(self.timeout, self.permits.clone().acquire_owned())
                .await
                .map_err(|_| {
                    tracing::warn!("timed out waiting for a database connection");
                    ApiError::database_unavailable()
                })?
                .map_err(|error| {
                    ApiError::Unexpected(anyhow::anyhow!("database permits closed: {error}"))
                })?;
        let db = self.clone();
        actix_web::web::block(move || {
            let _permit = permit;
            let mut conn = db.get()?;
            let result = f(&mut conn);
            if let Err(error) = &result {
                conn.check_after(error);
            }
            result
        })
        .await
        .map_err(|error| ApiError::Unexpected(anyhow::anyhow!("blocking task failed: {error}")))?
    }

    /// Whether a connection can be had and answers `SELECT 1`.
    pub async fn is_ready(&self) -> bool {
        self.run(|conn| {
            use diesel::connection::SimpleConnection;
            conn.batch_execute("SELECT 1").map_err(ApiError::from)
        })
        .await
        .is_ok()
    }

    /// Pool statistics for metrics: (connections, idle).
    pub fn state(&self) -> (u32, u32) {
        let state = self.pool.state();
        (state.connections, state.idle_connections)
    }
}
