//! Sign up, log in, refresh, log out.

mod invalid_token;
pub mod login;
pub mod logout;
pub mod password_reset;
pub mod password_reset_confirm;
pub mod refresh;
pub mod resend_verification;
pub mod signup;
pub mod verify_email;

use super::{ClientInfo, ReaderView};
use crate::auth::RefreshToken;
use crate::db::{self, DbConnection, readers::ReaderRow, sessions::NewSession};
use crate::domain::{ReaderId, Role, SessionId};
use crate::error::ApiError;
use crate::startup::AppState;
use serde::Serialize;
use utoipa::ToSchema;

/// A fresh pair of tokens.
#[derive(Debug, Serialize, ToSchema)]
pub struct TokenPair {
    /// The JWT to send as `Authorization: Bearer <token>`.
    pub access_token: String,
    /// Always `Bearer`.
    pub token_type: &'static str,
    /// Seconds until the access token expires.
    pub expires_in: i64,
    /// Opaque, single-use: exchange it at `/v1/auth/refresh` for a new pair.
    pub refresh_token: String,
}

/// The answer to signup and login.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuthResponse {
    /// The reader now logged in.
    pub reader: ReaderView,
    #[serde(flatten)]
    pub tokens: TokenPair,
}

/// Creates a session (a new refresh-token family) for a reader inside the
/// caller's transaction; returns its id and the refresh token to hand out.
pub fn open_session(
    conn: &mut DbConnection,
    settings: &crate::settings::Settings,
    reader: &ReaderId,
    client: &ClientInfo,
) -> Result<(SessionId, String), ApiError> {
    let now = chrono::Utc::now().naive_utc();
    let session_id = SessionId::generate();
    let refresh = RefreshToken::generate();
    db::sessions::create(
        conn,
        &NewSession {
            id: session_id.as_str(),
            reader_id: reader.as_str(),
            user_agent: client.user_agent.as_deref(),
            ip: client.ip.as_deref(),
            created_at: now,
            last_used_at: now,
            expires_at: now + chrono::Duration::days(settings.refresh_token_ttl_days),
        },
        &refresh.hash(),
    )?;
    Ok((session_id, refresh.into_plaintext()))
}

/// Signs an access token and pairs it with the refresh token.
pub fn token_pair(
    state: &AppState,
    reader: &ReaderId,
    session: &SessionId,
    role: Role,
    refresh_token: String,
) -> Result<TokenPair, ApiError> {
    let access = state.tokens.issue(reader, session, role)?;
    Ok(TokenPair {
        access_token: access.token,
        token_type: "Bearer",
        expires_in: access.expires_in,
        refresh_token,
    })
}

/// The full answer for a reader who just got a session.
pub fn auth_response(
    state: &AppState,
    reader: ReaderRow,
    session: &SessionId,
    refresh_token: String,
) -> Result<AuthResponse, ApiError> {
    let id = reader.reader_id();
    let tokens = token_pair(state, &id, session, reader.role(), refresh_token)?;
    Ok(AuthResponse {
        reader: reader.into(),
        tokens,
    })
}
