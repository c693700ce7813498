//! `GET /console/staff`: the staff accounts (admins, support, editors),
//! and an admin's reset of another's second factor (a lost phone) — the
//! same use case as `POST /v1/admin/readers/{id}/second-factor/reset`:
//! audited, their sessions ended.

use crate::accounts::directory::reset_second_factor;
use crate::domain::{AuditAction, ReaderId};
use crate::error::ApiError;
use crate::pages::console::render::{ConsoleError, Ctx, page, redirect};
use crate::pages::console::{ConsoleForm, ConsoleStaff, fmt};
use crate::routes::admin::readers::ReaderSummary;
use crate::routes::admin::readers::list::{SearchReadersQuery, search_page};
use crate::routes::auth::accounts;
use crate::routes::extract::AdminRole;
use crate::state::AppState;
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;

#[derive(Template)]
#[template(path = "console/staff.html")]
struct StaffPage<'a> {
    ctx: Option<&'a Ctx>,
    staff: Vec<ReaderSummary>,
    error: Option<String>,
}

// askama calls these helpers as methods of the template (`self.at(..)`).
#[allow(clippy::unused_self)]
impl StaffPage<'_> {
    fn at(&self, value: &chrono::DateTime<chrono::Utc>) -> String {
        fmt::at(*value)
    }
}

async fn render(
    state: &AppState,
    member: &ConsoleStaff<AdminRole>,
    error: Option<ApiError>,
) -> Result<HttpResponse, ConsoleError> {
    let mut staff = Vec::new();
    for role in ["admin", "support", "editor"] {
        let query = SearchReadersQuery {
            role: Some(role.to_owned()),
            sort: Some("email".to_owned()),
            per_page: Some(100),
            ..SearchReadersQuery::default()
        };
        let found = search_page(state, &query)
            .await
            .map_err(|e| ConsoleError::Api(e, member.boxed_ctx()))?;
        staff.extend(found.items);
    }
    let status = if error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    Ok(page(
        &state.settings,
        Some(&member.ctx),
        status,
        &StaffPage {
            ctx: Some(&member.ctx),
            staff,
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

/// Resets a staff member's second factor (optional `reason`).
pub async fn reset_factor(
    state: web::Data<AppState>,
    form: ConsoleForm<AdminRole>,
    id: web::Path<String>,
) -> Result<HttpResponse, ConsoleError> {
    let admin = &form.member.staff;
    let Some(target) = ReaderId::parse(&id) else {
        let missing = ApiError::not_found("reader_not_found", "no such reader");
        return render(&state, &form.member, Some(missing)).await;
    };
    let reason = form.fields.text("reason");
    let entry = admin
        .audit(AuditAction::SecondFactorReset, ("reader", target.as_str()))
        .reader(target.as_str())
        .reason(reason.as_deref());
    match reset_second_factor(&accounts(&state), admin.scope(), entry, target).await {
        Ok(revoked) => Ok(redirect(
            &state.settings,
            "/console/staff",
            Some(&format!(
                "Second factor reset; {revoked} session(s) ended. They log in with their password and enrol again."
            )),
        )),
        Err(error) => render(&state, &form.member, Some(error)).await,
    }
}
