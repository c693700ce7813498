//! Migrations for both backends, embedded in the binary and applied at
//! start (and by `masthead migrate`).

use super::DbConnection;
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

const SQLITE: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
const POSTGRES: EmbeddedMigrations = embed_migrations!("migrations/postgres");

/// Applies every pending migration; returns how many ran.
pub fn run_migrations(conn: &mut DbConnection) -> anyhow::Result<usize> {
    let applied = match conn {
        DbConnection::Sqlite(conn) => conn.run_pending_migrations(SQLITE),
        DbConnection::Postgres(conn) => conn.run_pending_migrations(POSTGRES),
    }
    .map_err(|error| anyhow::anyhow!("migration failed: {error}"))?;
    Ok(applied.len())
}
