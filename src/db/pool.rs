//! The connection pool and the one helper that runs diesel off the async
//! workers.

use super::DbConnection;
use crate::error::ApiError;
use diesel::r2d2::{self, ManageConnection, Pool, PooledConnection};
use std::time::Duration;

/// Opens connections for r2d2 with [`DbConnection::open`], so every pooled
/// SQLite connection carries the pragmas.
#[derive(Debug, Clone)]
pub struct ConnectionManager {
    url: String,
}

impl ManageConnection for ConnectionManager {
    type Connection = DbConnection;
    type Error = diesel::r2d2::Error;

    fn connect(&self) -> Result<DbConnection, Self::Error> {
        DbConnection::open(&self.url).map_err(diesel::r2d2::Error::ConnectionError)
    }

    fn is_valid(&self, conn: &mut DbConnection) -> Result<(), Self::Error> {
        use diesel::connection::SimpleConnection;
        conn.batch_execute("SELECT 1")
            .map_err(diesel::r2d2::Error::QueryError)
    }

    fn has_broken(&self, _conn: &mut DbConnection) -> bool {
        false
    }
}

/// A cloneable handle on the pool.
#[derive(Clone)]
pub struct Database {
    pool: Pool<ConnectionManager>,
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
        Ok(Self { pool })
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
        let db = self.clone();
        actix_web::web::block(move || {
            let mut conn = db.get()?;
            f(&mut conn)
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
