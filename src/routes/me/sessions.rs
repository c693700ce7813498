//! `GET /v1/me/sessions`: where the reader is logged in (device, address,
//! when), so they can spot a login that is not theirs and end it.

use crate::accounts::sessions::live_sessions;
use crate::db::sessions::SessionRow;
use crate::domain::SessionId;
use crate::error::{ApiError, Problem};
use crate::routes::auth::accounts;
use crate::routes::extract::AuthenticatedReader;
use crate::state::AppState;
use actix_web::{HttpResponse, get, web};
use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

/// One live login.
#[derive(Debug, Serialize, ToSchema)]
pub struct SessionView {
    /// The session id (for `DELETE /v1/me/sessions/{id}`).
    pub id: String,
    /// The browser or app that logged in, as it named itself.
    pub user_agent: Option<String>,
    /// The address it logged in from.
    pub ip: Option<String>,
    /// When it logged in.
    pub created_at: DateTime<Utc>,
    /// When it last refreshed its tokens.
    pub last_used_at: DateTime<Utc>,
    /// When it ends at the latest (30 days after login).
    pub expires_at: DateTime<Utc>,
    /// Whether this is the session making the request.
    pub current: bool,
}

impl SessionView {
    fn of(row: SessionRow, current: &SessionId) -> Self {
        Self {
            current: row.id == current.as_str(),
            id: row.id,
            user_agent: row.user_agent,
            ip: row.ip,
            created_at: row.created_at.and_utc(),
            last_used_at: row.last_used_at.and_utc(),
            expires_at: row.expires_at.and_utc(),
        }
    }
}

/// The reader's live sessions, most recently used first.
#[derive(Debug, Serialize, ToSchema)]
pub struct SessionList {
    /// Every live session.
    pub items: Vec<SessionView>,
}

/// Lists the reader's live sessions.
#[utoipa::path(
    tag = "me",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Live sessions", body = SessionList),
        (status = 401, description = "No valid session", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/v1/me/sessions")]
pub async fn list_sessions(
    state: web::Data<AppState>,
    reader: AuthenticatedReader,
) -> Result<HttpResponse, ApiError> {
    let rows = live_sessions(&accounts(&state), reader.reader_id.clone()).await?;
    let items = rows
        .into_iter()
        .map(|row| SessionView::of(row, &reader.session_id))
        .collect();
    Ok(HttpResponse::Ok().json(SessionList { items }))
}
