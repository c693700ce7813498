//! Ending one of the reader's own sessions (a login that is not theirs).

use crate::accounts::Accounts;
use crate::db;
use crate::domain::ReaderId;
use crate::error::ApiError;

/// Revokes `session` if it is a live session of `owner` (404
/// `session_not_found` otherwise: another reader's session is not even
/// acknowledged) and invalidates the session cache.
pub async fn revoke_own_session(
    accounts: &Accounts<'_>,
    owner: ReaderId,
    session: String,
) -> Result<(), ApiError> {
    let ended = accounts
        .db
        .run(move |conn| {
            let now = chrono::Utc::now().naive_utc();
            Ok::<_, ApiError>(db::sessions::revoke_own(
                conn,
                &owner,
                &session,
                "revoked_by_reader",
                now,
            )?)
        })
        .await?;
    if ended == 0 {
        return Err(ApiError::not_found(
            "session_not_found",
            "you have no live session with this id",
        ));
    }
    accounts.cache.sessions_changed();
    Ok(())
}
