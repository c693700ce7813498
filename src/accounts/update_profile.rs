//! Changing a reader's own profile (name, shipping address).

use super::Accounts;
use crate::db::{self, readers::ProfileChanges, readers::ReaderRow};
use crate::domain::ReaderId;
use crate::error::ApiError;

/// Writes the parsed `changes` to `reader`'s profile, stamped now, and
/// returns the row as stored.
pub async fn update_profile(
    accounts: &Accounts<'_>,
    reader: ReaderId,
    mut changes: ProfileChanges,
) -> Result<ReaderRow, ApiError> {
    changes.updated_at = Some(chrono::Utc::now().naive_utc());
    accounts
        .db
        .run(move |conn| Ok::<_, ApiError>(db::readers::update_profile(conn, &reader, &changes)?))
        .await
}
