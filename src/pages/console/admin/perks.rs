//! `GET /console/perks`: every tier's perks with their status, and the
//! button that turns a `coming_soon` perk (ad-free) live — the API's
//! `PATCH /v1/admin/tiers/{tier}/perks/{perk}`, through the same function
//! (audited, announced to its readers once).

use crate::db::{self, tiers::Tier};
use crate::error::ApiError;
use crate::pages::console::render::{ConsoleError, Ctx, page, redirect};
use crate::pages::console::{ConsoleForm, ConsoleStaff};
use crate::routes::admin::tiers::perk_status::{PerkStatusRequest, set_perk_status_as};
use crate::routes::extract::AdminRole;
use crate::state::AppState;
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;

#[derive(Template)]
#[template(path = "console/perks.html")]
struct PerksPage<'a> {
    ctx: Option<&'a Ctx>,
    tiers: Vec<Tier>,
    error: Option<String>,
}

async fn render(
    state: &AppState,
    member: &ConsoleStaff<AdminRole>,
    error: Option<ApiError>,
) -> Result<HttpResponse, ConsoleError> {
    let tiers = state
        .db
        .run(|conn| Ok(db::tiers::all(conn)?))
        .await
        .map_err(|e| ConsoleError::Api(e, member.boxed_ctx()))?;
    let status = if error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    Ok(page(
        &state.settings,
        Some(&member.ctx),
        status,
        &PerksPage {
            ctx: Some(&member.ctx),
            tiers,
            error: error.map(|e| e.to_string()),
        },
    ))
}

/// The page.
pub async fn show(
    state: web::Data<AppState>,
    member: ConsoleStaff<AdminRole>,
) -> Result<HttpResponse, ConsoleError> {
    render(&state, &member, None).await
}

/// Sets one perk's status (`status` field: `live` or `coming_soon`).
pub async fn set(
    state: web::Data<AppState>,
    form: ConsoleForm<AdminRole>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ConsoleError> {
    let (tier, perk) = path.into_inner();
    let body = PerkStatusRequest {
        status: form.fields.text("status"),
    };
    match set_perk_status_as(&state, &form.member.staff, tier, &perk, body).await {
        Ok(view) => {
            let message = if view.announced {
                format!(
                    "{} is now {} on {}; its readers are being told.",
                    view.perk.as_str(),
                    view.status.as_str(),
                    view.tier
                )
            } else {
                format!(
                    "{} is {} on {}.",
                    view.perk.as_str(),
                    view.status.as_str(),
                    view.tier
                )
            };
            Ok(redirect(&state.settings, "/console/perks", Some(&message)))
        }
        Err(error) => render(&state, &form.member, Some(error)).await,
    }
}
