//! Writes a unique constraint can refuse. The refusal comes back typed, so
//! the layers above `db/` name the conflict (a slug or number taken)
//! without matching diesel's error kinds themselves.

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
