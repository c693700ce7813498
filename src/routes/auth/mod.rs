//! Sign up, log in, refresh, log out.

pub mod browser_session;
pub mod login;
pub mod logout;
pub mod password_reset;
pub mod password_reset_confirm;
pub mod refresh;
pub mod resend_verification;
pub mod signup;
pub mod verify_email;

use super::ReaderView;
use crate::accounts::Accounts;
use crate::db::readers::ReaderRow;
use crate::domain::{ReaderId, Role, SessionId, SubscriptionSnapshot, entitlements};
use crate::error::ApiError;
use crate::routes::extract::MeterCredential;
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
/// Carries an anonymous visitor's free articles into the account they
/// just signed up for or logged in to. The login stands if this fails: a
/// meter is worth a warning in the log, not a refused login.
async fn carry_meter(state: &AppState, meter: &MeterCredential, reader: &ReaderId) {
    let carried = crate::catalogue::meter::carry_meter_into_account(
        &state.db,
        &state.cache,
        state.settings.meter_policy(),
        meter.meter_id.as_deref(),
        reader,
        state.clock.now(),
    )
    .await;
    if let Err(error) = carried {
        tracing::warn!(%error, "the anonymous meter could not be carried into the account");
    }
}

/// The account use cases' view of the application state.
pub fn accounts(state: &AppState) -> Accounts<'_> {
    Accounts {
        db: &state.db,
        settings: &state.settings,
        cache: &state.cache,
        password_work: &state.password_work,
        rate_limits: &state.rate_limits,
        jobs: &state.jobs,
        letters: &state.letters,
        metrics: &state.metrics,
    }
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
    tokens_with(state, reader, session, role, refresh_token, &snapshots)
}

/// [`issue_tokens`] for a caller that already read the reader's
/// subscriptions (the login, in its own round trip).
pub fn tokens_with(
    state: &AppState,
    reader: &ReaderId,
    session: &SessionId,
    role: Role,
    refresh_token: String,
    snapshots: &[SubscriptionSnapshot],
) -> Result<IssuedTokens, ApiError> {
    let (perks, _) = entitlements(snapshots, chrono::Utc::now());
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
    Ok(respond_with_reader(state, status, reader, issued))
}

/// The answer to signup and login: the reader and the tokens.
pub fn respond_with_reader(
    state: &AppState,
    status: StatusCode,
    reader: ReaderRow,
    issued: IssuedTokens,
) -> HttpResponse {
    issued.respond(state, status, |tokens| AuthResponse {
        reader: reader.into(),
        tokens,
    })
}
