//! Multi-row inserts. A row a statement costs a round trip (and on
//! PostgreSQL a parse and plan) per row: loading many rows that way held
//! the generator and the import to a fraction of what either backend
//! takes. Diesel's multi-backend connection has no multi-row insert, so
//! each backend's own connection runs it.
//!
//! SQLite has no `DEFAULT` in a multi-row `VALUES`: rows of a type that
//! leaves a `None` to the column's default (diesel's default for
//! `Insertable`) go in there one statement each, in a savepoint of the
//! batch, which in-process costs no round trip. A type derived with
//! `treat_none_as_default_value = false` (the generator's rows) binds
//! `NULL` instead and goes in as one statement on both backends.

/// SQLite allows 32,766 bound variables per statement (PostgreSQL 65,535):
/// a statement holds at most this many, and at most [`MAX_ROWS`] rows.
pub const MAX_VARIABLES: usize = 32_000;
/// Rows per statement when the columns allow it.
pub const MAX_ROWS: usize = 1_000;

/// Stores the slice `$rows` into `$table` in statements of as many rows
/// as the variable limit allows for `$columns` columns; evaluates to a
/// `QueryResult` of the count.
macro_rules! insert_batched {
    ($conn:expr, $table:expr, $rows:expr, $columns:expr) => {{
        let per_statement =
            ($crate::db::batch::MAX_VARIABLES / $columns).min($crate::db::batch::MAX_ROWS);
        let mut stored: usize = 0;
        let mut outcome = diesel::QueryResult::Ok(());
        for chunk in $rows.chunks(per_statement) {
            let insert = diesel::insert_into($table).values(chunk);
            let executed = match &mut *$conn {
                $crate::db::DbConnection::Sqlite(conn) => {
                    diesel::RunQueryDsl::execute(insert, conn)
                }
                $crate::db::DbConnection::Postgres(conn) => {
                    diesel::RunQueryDsl::execute(insert, conn)
                }
            };
            match executed {
                Ok(count) => stored += count,
                Err(error) => {
                    outcome = Err(error);
                    break;
                }
            }
        }
        outcome.map(|()| stored)
    }};
}

pub(crate) use insert_batched;
