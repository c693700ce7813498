//! One connection type over both backends, so every query is written once.

use diesel::pg::PgConnection;
use diesel::prelude::*;
use diesel::sqlite::SqliteConnection;

/// A connection to either supported database, chosen by URL scheme.
#[derive(diesel::MultiConnection)]
pub enum DbConnection {
    /// Production, several instances.
    Postgres(PgConnection),
    /// The embedded default.
    Sqlite(SqliteConnection),
}

/// Which database a URL points at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Postgres,
    Sqlite,
}

impl Backend {
    /// `postgres://` and `postgresql://` are PostgreSQL; anything else is a
    /// SQLite path (an optional `sqlite://` prefix is accepted).
    pub fn of_url(url: &str) -> Self {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Self::Postgres
        } else {
            Self::Sqlite
        }
    }
}

/// SQLite settings applied to every new connection: foreign keys enforced,
/// WAL so readers never block the writer, and a busy timeout so concurrent
/// writers wait instead of failing.
const SQLITE_PRAGMAS: &str = "PRAGMA foreign_keys = ON;
PRAGMA journal_mode = WAL;
PRAGMA synchronous = NORMAL;
PRAGMA busy_timeout = 5000;";

impl DbConnection {
    /// Opens a connection of the backend the URL names (never guessing by
    /// trial, which would let SQLite accept any string as a file name).
    pub fn open(url: &str) -> ConnectionResult<Self> {
        match Backend::of_url(url) {
            Backend::Postgres => PgConnection::establish(url).map(Self::Postgres),
            Backend::Sqlite => {
                let path = url.strip_prefix("sqlite://").unwrap_or(url);
                let mut conn = SqliteConnection::establish(path)?;
                diesel::connection::SimpleConnection::batch_execute(&mut conn, SQLITE_PRAGMAS)
                    .map_err(ConnectionError::CouldntSetupConfiguration)?;
                Ok(Self::Sqlite(conn))
            }
        }
    }

    /// The backend of this connection.
    pub fn backend(&self) -> Backend {
        match self {
            Self::Postgres(_) => Backend::Postgres,
            Self::Sqlite(_) => Backend::Sqlite,
        }
    }
}
