//! Write transactions that take the write lock up front.

use super::DbConnection;
use diesel::connection::{AnsiTransactionManager, TransactionManager};
use diesel::prelude::*;

/// Runs `f` in a transaction meant to write. On SQLite it begins with
/// `BEGIN IMMEDIATE`: a deferred transaction that reads and then writes can
/// fail with `SQLITE_BUSY` when another writer got there first, whereas an
/// immediate one waits (busy timeout) for the lock. PostgreSQL uses an
/// ordinary transaction.
pub fn write_transaction<T, E, F>(conn: &mut DbConnection, f: F) -> Result<T, E>
where
    F: FnOnce(&mut DbConnection) -> Result<T, E>,
    E: From<diesel::result::Error>,
{
    let DbConnection::Sqlite(sqlite) = conn else {
        return conn.transaction(f);
    };
    AnsiTransactionManager::begin_transaction_sql(sqlite, "BEGIN IMMEDIATE")?;
    let outcome = f(conn);
    let DbConnection::Sqlite(sqlite) = conn else {
        unreachable!("the connection cannot change backend")
    };
    match outcome {
        Ok(value) => {
            AnsiTransactionManager::commit_transaction(sqlite)?;
            Ok(value)
        }
        Err(error) => {
            AnsiTransactionManager::rollback_transaction(sqlite)?;
            Err(error)
        }
    }
}
