//! Writes a unique constraint can refuse. The refusal comes back typed, so
//! the layers above `db/` name the conflict (a slug or number taken)
//! without matching diesel's error kinds themselves.

use super::DbConnection;
use diesel::Connection;
use diesel::QueryResult;
use diesel::result::{DatabaseErrorKind, Error};

/// Why an insert or update that a unique constraint guards failed.
#[derive(Debug, thiserror::Error)]
pub enum InsertError {
    /// A unique constraint refused the row: the key is taken.
    #[error("a unique constraint refused the write")]
    Taken,
    /// Any other database failure.
    #[error(transparent)]
    Database(Error),
}

impl From<Error> for InsertError {
    fn from(error: Error) -> Self {
        match error {
            Error::DatabaseError(DatabaseErrorKind::UniqueViolation, _) => Self::Taken,
            other => Self::Database(other),
        }
    }
}

/// Runs `insert` in a savepoint: `true` when it wrote the row, `false`
/// when a unique constraint refused it (a racing writer took the key).
/// The savepoint matters inside a caller's transaction: on PostgreSQL a
/// refused statement aborts the whole transaction, so the caller could
/// not go on after it; rolled back to the savepoint, it can.
pub fn insert_unless_taken(
    conn: &mut DbConnection,
    insert: impl FnOnce(&mut DbConnection) -> QueryResult<usize>,
) -> QueryResult<bool> {
    match conn.transaction(insert).map_err(InsertError::from) {
        Ok(rows) => Ok(rows == 1),
        Err(InsertError::Taken) => Ok(false),
        Err(InsertError::Database(error)) => Err(error),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_unique_violation_is_taken_and_the_rest_pass_through() {
        let unique = Error::DatabaseError(
            DatabaseErrorKind::UniqueViolation,
            Box::new("duplicate key".to_owned()),
        );
        assert!(matches!(InsertError::from(unique), InsertError::Taken));
        assert!(matches!(
            InsertError::from(Error::NotFound),
            InsertError::Database(Error::NotFound)
        ));
    }
}
