//! Rotating a refresh token: the presented one is spent and a new one of
//! the same session handed out.

use super::Accounts;
use crate::auth::RefreshToken;
use crate::db::{self, sessions::Rotation};
use crate::domain::{ReaderId, Role, SessionId};
use crate::error::ApiError;

/// A rotated session: whose it is and the new refresh token to hand out
/// (only its hash is stored).
pub struct Rotated {
    /// The session's reader.
    pub reader_id: ReaderId,
    /// The session the new token belongs to.
    pub session_id: SessionId,
    /// The reader's role, for the new access token.
    pub role: Role,
    /// The new refresh token in plain text.
    pub refresh_token: String,
}

/// Spends `presented` and issues its successor. Presenting a spent token
/// again ends the whole session (401 `refresh_token_reused`, and the
/// session cache is invalidated), except within
/// `MASTHEAD_REFRESH_REUSE_INTERVAL_SECONDS` of its rotation (two tabs
/// refreshing at once), which hands out another token of the same session.
/// Unknown, expired or revoked tokens are 401 `invalid_refresh_token`.
pub async fn rotate_refresh_token(
    accounts: &Accounts<'_>,
    presented: &str,
) -> Result<Rotated, ApiError> {
    let presented_hash = RefreshToken::hash_of(presented);
    let next = RefreshToken::generate();
    let next_hash = next.hash();
    let reuse_interval =
        chrono::Duration::seconds(accounts.settings.refresh_reuse_interval_seconds.max(0));
    let rotation = accounts
        .db
        .run(move |conn| {
            db::write_transaction(conn, |conn| {
                let now = chrono::Utc::now().naive_utc();
                Ok::<_, ApiError>(db::sessions::rotate(
                    conn,
                    &presented_hash,
                    &next_hash,
                    now,
                    reuse_interval,
                )?)
            })
        })
        .await?;
    match rotation {
        Rotation::Rotated {
            reader_id,
            session_id,
            role,
        } => Ok(Rotated {
            reader_id,
            session_id,
            role,
            refresh_token: next.into_plaintext(),
        }),
        Rotation::Reused => {
            accounts.cache.sessions_changed();
            tracing::warn!("a rotated refresh token was presented again; its session is revoked");
            Err(ApiError::unauthenticated(
                "refresh_token_reused",
                "this refresh token was already used; the session has been ended, log in again",
            ))
        }
        Rotation::Refused => Err(ApiError::unauthenticated(
            "invalid_refresh_token",
            "the refresh token is unknown, expired or revoked",
        )),
    }
}
