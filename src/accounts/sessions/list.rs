//! Where a reader is logged in.

use crate::accounts::Accounts;
use crate::db::{self, sessions::SessionRow};
use crate::domain::ReaderId;
use crate::error::ApiError;

/// The live sessions of `reader`, most recently used first.
pub async fn live_sessions(
    accounts: &Accounts<'_>,
    reader: ReaderId,
) -> Result<Vec<SessionRow>, ApiError> {
    accounts
        .db
        .run(move |conn| {
            let now = chrono::Utc::now().naive_utc();
            Ok::<_, ApiError>(db::sessions::live_for_reader(conn, &reader, now)?)
        })
        .await
}
