//! Logging out everywhere, the session asking included.

use crate::accounts::Accounts;
use crate::db;
use crate::domain::ReaderId;
use crate::error::ApiError;

/// Revokes every session of `reader` and invalidates the session cache.
pub async fn revoke_all_sessions(
    accounts: &Accounts<'_>,
    reader: ReaderId,
) -> Result<(), ApiError> {
    accounts
        .db
        .run(move |conn| {
            let now = chrono::Utc::now().naive_utc();
            Ok::<_, ApiError>(db::sessions::revoke_all_except(
                conn,
                &reader,
                None,
                "logout_everywhere",
                now,
            )?)
        })
        .await?;
    accounts.cache.sessions_changed();
    Ok(())
}
