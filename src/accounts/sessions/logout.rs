//! Logging out: ending the session of the request.

use crate::accounts::Accounts;
use crate::auth::RefreshToken;
use crate::db;
use crate::error::ApiError;

/// The session a refresh token (a browser's cookie) belongs to; `None`
/// for an unknown token: there is nothing left to revoke.
pub async fn session_of_refresh_token(
    accounts: &Accounts<'_>,
    token: &str,
) -> Result<Option<String>, ApiError> {
    let hash = RefreshToken::hash_of(token.trim());
    accounts
        .db
        .run(move |conn| Ok::<_, ApiError>(db::sessions::session_of_refresh_token(conn, &hash)?))
        .await
}

/// Revokes `session` (its refresh tokens and its access tokens stop
/// working) and invalidates the session cache.
pub async fn end_session(accounts: &Accounts<'_>, session: String) -> Result<(), ApiError> {
    accounts
        .db
        .run(move |conn| {
            let now = chrono::Utc::now().naive_utc();
            Ok::<_, ApiError>(db::sessions::revoke(conn, &session, "logout", now)?)
        })
        .await?;
    accounts.cache.sessions_changed();
    Ok(())
}
