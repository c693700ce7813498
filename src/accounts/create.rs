//! Creating an account: the one insert sign-up, `masthead staff create`
//! and `masthead demo` share, so every account starts with the same
//! validated fields.

use crate::db::readers::{self, NewReader};
use crate::db::{DbConnection, InsertError};
use crate::domain::{DisplayName, ReaderEmail, ReaderId, Role};
use chrono::NaiveDateTime;

/// A validated account to create; the password is already hashed (the
/// hash is made outside any transaction).
pub struct NewAccount<'a> {
    /// The normalised email.
    pub email: &'a ReaderEmail,
    /// The argon2id hash of the password.
    pub password_hash: &'a str,
    /// The name the magazine greets the reader by.
    pub name: &'a DisplayName,
    /// What the account may do.
    pub role: Role,
}

/// Inserts the account inside the caller's transaction and returns its new
/// id; a taken email is [`InsertError::Taken`].
pub fn create_account(
    conn: &mut DbConnection,
    account: &NewAccount<'_>,
    now: NaiveDateTime,
) -> Result<ReaderId, InsertError> {
    let id = ReaderId::generate();
    readers::insert(
        conn,
        &NewReader::new(
            &id,
            account.email.as_str(),
            account.password_hash,
            account.name.as_str(),
            account.role,
            now,
        ),
    )?;
    Ok(id)
}
