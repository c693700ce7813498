//! Finding the live session a never-rotated refresh token opens: the staff
//! console keeps such a token in its cookie (it never refreshes), and asks
//! on every request, so a revoked session or a disabled account is signed
//! out of the console at once.

use crate::accounts::Accounts;
use crate::auth::RefreshToken;
use crate::db::{self, readers::ReaderRow};
use crate::domain::SessionId;
use crate::error::ApiError;

/// A live session a token opens.
#[derive(Debug)]
pub struct LiveSession {
    /// The session.
    pub id: SessionId,
    /// Its account.
    pub reader: ReaderRow,
    /// When it proved the staff second factor, if it did.
    pub second_factor_at: Option<chrono::NaiveDateTime>,
}

/// The session behind `token`, or `None` when the token is unknown,
/// rotated, or its session or account has ended.
pub async fn live_session_of_token(
    accounts: &Accounts<'_>,
    token: &str,
) -> Result<Option<LiveSession>, ApiError> {
    let hash = RefreshToken::hash_of(token.trim());
    let found = accounts
        .db
        .run(move |conn| {
            let now = chrono::Utc::now().naive_utc();
            Ok::<_, ApiError>(db::sessions::live_by_unrotated_token(conn, &hash, now)?)
        })
        .await?;
    Ok(found.map(|(id, reader, second_factor_at)| LiveSession {
        id: SessionId::from_db(id),
        reader,
        second_factor_at,
    }))
}
