//! Sign up, log in, refresh, log out.

pub mod browser_session;
mod invalid_token;
pub mod login;
pub mod logout;
mod password_check;
pub mod password_reset;
pub mod password_reset_confirm;
pub mod refresh;
pub mod resend_verification;
pub mod signup;
pub mod verify_email;

pub use password_check::{MAX_PASSWORD_BYTES, guarded_check};

use super::ReaderView;
use super::extract::ClientInfo;
use crate::auth::RefreshToken;
use crate::db::{self, DbConnection, readers::ReaderRow, sessions::NewSession};
use crate::domain::{ReaderId, Role, SessionId, entitlements};
use crate::error::ApiError;
use crate::state::AppState;
use actix_web::HttpResponse;
use actix_web::http::StatusCode;
use browser_session::BrowserSession;
use serde::Serialize;
use utoipa::ToSchema;

/// A fresh pair of tokens.
#[derive(Debug, Serialize, ToSchema)]
pub struct TokenPair {
    /// The JWT to send as `Authorization: Bearer <token>`. Besides `iss aud
    /// sub sid role exp iat jti` it carries `perks`: the perks the gate
    /// granted the reader when it was issued (e.g. `["archive", "audio"]`),
    /// for rendering menus; it can lag a change by up to the token's
    /// lifetime, and the server's gate never reads it.
    pub access_token: String,
    /// Always `Bearer`.
    pub token_type: &'static str,
    /// Seconds until the access token expires.
    pub expires_in: i64,
    /// Opaque, single-use: exchange it at `/v1/auth/refresh` for a new pair.
    /// Absent in browser mode, where it travels only in the HttpOnly
    /// `masthead_refresh` cookie.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refresh_token: Option<String>,
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

/// Tokens ready to hand out: the JSON part, and in browser mode the cookies.
pub struct IssuedTokens {
    pair: TokenPair,
    browser: Option<BrowserSession>,
}

impl IssuedTokens {
    /// The response: `body(pair)` as JSON, plus the cookies in browser mode.
    pub fn respond<T: Serialize>(
        self,
        state: &AppState,
        status: StatusCode,
        body: impl FnOnce(TokenPair) -> T,
    ) -> HttpResponse {
        let mut response = HttpResponse::build(status);
        if let Some(browser) = &self.browser {
            browser.set_cookies(&mut response, &state.settings);
        }
        response.json(body(self.pair))
    }
}

/// Signs an access token carrying the perks the reader holds now (what
/// `GET /v1/me` lists as granted) and hands out the refresh token: in the
/// body, or in browser mode in cookies.
pub async fn issue_tokens(
    state: &AppState,
    reader: &ReaderId,
    session: &SessionId,
    role: Role,
    refresh_token: String,
) -> Result<IssuedTokens, ApiError> {
    let snapshots = state
        .cache
        .snapshots_without_filling(&state.db, reader)
        .await?;
    let (perks, _) = entitlements(&snapshots, chrono::Utc::now());
    let access = state.tokens.issue(reader, session, role, &perks)?;
    let browser = state
        .settings
        .refresh_cookie
        .then(|| BrowserSession::new(refresh_token.clone()));
    Ok(IssuedTokens {
        pair: TokenPair {
            access_token: access.token,
            token_type: "Bearer",
            expires_in: access.expires_in,
            refresh_token: browser.is_none().then_some(refresh_token),
        },
        browser,
    })
}

/// The full answer (with `status`) for a reader who just got a session.
pub async fn auth_response(
    state: &AppState,
    status: StatusCode,
    reader: ReaderRow,
    session: &SessionId,
    refresh_token: String,
) -> Result<HttpResponse, ApiError> {
    let id = reader.reader_id();
    let issued = issue_tokens(state, &id, session, reader.role(), refresh_token).await?;
    Ok(issued.respond(state, status, |tokens| AuthResponse {
        reader: reader.into(),
        tokens,
    }))
}
