//! `GET /v1/me`: the reader's profile and what their subscriptions grant.

use crate::db::readers::ReaderRow;
use crate::domain::entitlements;
use crate::error::{ApiError, Problem};
use crate::routes::extract::AuthenticatedReader;
use crate::routes::me::subscription::EntitlementsView;
use crate::routes::{PreferencesView, ReaderView};
use crate::state::AppState;
use actix_web::{HttpResponse, get, web};
use serde::Serialize;
use utoipa::ToSchema;

/// The profile with an entitlements summary, so a front-end can render the
/// account menu from one call.
#[derive(Debug, Serialize, ToSchema)]
pub struct MeView {
    #[serde(flatten)]
    pub reader: ReaderView,
    /// Email preferences and time zone.
    #[serde(flatten)]
    pub preferences: PreferencesView,
    /// Perks granted now, and perks announced as coming soon.
    pub entitlements: EntitlementsView,
}

impl MeView {
    /// The view of `account` with the entitlements the gate's cache holds
    /// for it now: what `GET /v1/me` and `PATCH /v1/me` both answer.
    pub async fn of(state: &AppState, account: ReaderRow) -> Result<Self, ApiError> {
        let snapshots = state
            .cache
            .snapshots(&state.db, &account.reader_id())
            .await?;
        let (granted, announced) = entitlements(&snapshots, chrono::Utc::now());
        Ok(Self {
            preferences: PreferencesView::from(&account),
            reader: ReaderView::from(account),
            entitlements: EntitlementsView { granted, announced },
        })
    }
}

/// The logged-in reader's profile (read in the same query that checked the
/// session) and entitlements (from the gate's cache).
#[utoipa::path(
    tag = "me",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The profile", body = MeView),
        (status = 401, description = "No valid session", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/v1/me")]
pub async fn get_me(
    state: web::Data<AppState>,
    reader: AuthenticatedReader,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(MeView::of(&state, reader.account).await?))
}
