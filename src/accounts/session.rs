//! Opening a session: a new refresh-token family for a reader.

use super::Client;
use crate::auth::RefreshToken;
use crate::db::{self, DbConnection, sessions::NewSession};
use crate::domain::{ReaderId, SessionId};
use chrono::{Duration, NaiveDateTime};

/// Creates a session that lives `ttl` (`MASTHEAD_REFRESH_TOKEN_TTL_DAYS`)
/// inside the caller's transaction; returns its id and the refresh token
/// to hand out (only its hash is stored).
pub fn open_session(
    conn: &mut DbConnection,
    ttl: Duration,
    reader: &ReaderId,
    client: &Client,
    now: NaiveDateTime,
) -> diesel::QueryResult<(SessionId, String)> {
    let session_id = SessionId::generate();
    let refresh = RefreshToken::generate();
    let ip = client.ip_text();
    db::sessions::create(
        conn,
        &NewSession {
            id: session_id.as_str(),
            reader_id: reader.as_str(),
            user_agent: client.user_agent.as_deref(),
            ip: ip.as_deref(),
            created_at: now,
            last_used_at: now,
            expires_at: now + ttl,
        },
        &refresh.hash(),
    )?;
    Ok((session_id, refresh.into_plaintext()))
}
