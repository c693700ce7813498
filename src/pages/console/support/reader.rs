//! `GET /console/readers/{id}`: everything support needs about a reader
//! (the API's reader detail) and their audit trail, with the actions'
//! forms. A failed action shows this page again with its error.

use crate::error::ApiError;
use crate::pages::console::ConsoleStaff;
use crate::pages::console::fmt;
use crate::pages::console::render::{ConsoleError, Ctx, describe, page, status_of};
use crate::routes::admin::audit_log::list::{AuditEntryView, AuditLogQuery, audit_page};
use crate::routes::admin::readers::detail::ReaderDetail;
use crate::routes::admin::readers::get::reader_detail;
use crate::routes::extract::SupportRole;
use crate::state::AppState;
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;

/// Audit entries shown on a reader's page.
const TRAIL: i64 = 50;

#[derive(Template)]
#[template(path = "console/reader.html")]
struct ReaderPage<'a> {
    ctx: Option<&'a Ctx>,
    reader: &'a ReaderDetail,
    trail: &'a [AuditEntryView],
    error: Option<String>,
}

/// The reader page with `error` (from a failed action), or an error page
/// when the reader cannot be shown.
pub async fn render(
    state: &AppState,
    member: &ConsoleStaff<SupportRole>,
    id: &str,
    error: Option<ApiError>,
) -> Result<HttpResponse, ConsoleError> {
    let reader = reader_detail(state, id)
        .await
        .map_err(|e| ConsoleError::Api(e, member.boxed_ctx()))?;
    let query = AuditLogQuery {
        reader: Some(reader.id.clone()),
        per_page: Some(TRAIL),
        ..AuditLogQuery::default()
    };
    let trail = audit_page(state, query).await?.items;
    let status = error.as_ref().map_or(StatusCode::OK, status_of);
    Ok(page(
        &state.settings,
        Some(&member.ctx),
        status,
        &ReaderPage {
            ctx: Some(&member.ctx),
            reader: &reader,
            trail: &trail,
            error: error.as_ref().map(describe),
        },
    ))
}

/// Shows a reader.
pub async fn show(
    state: web::Data<AppState>,
    member: ConsoleStaff<SupportRole>,
    id: web::Path<String>,
) -> Result<HttpResponse, ConsoleError> {
    render(&state, &member, &id, None).await
}

// askama calls these helpers as methods of the template (`self.at(..)`).
#[allow(clippy::unused_self)]
impl ReaderPage<'_> {
    fn at(&self, value: impl fmt::AsAt) -> String {
        fmt::at(value)
    }

    fn money(&self, cents: impl std::borrow::Borrow<i64>, currency: impl AsRef<str>) -> String {
        fmt::money(cents, currency)
    }

    fn or_dash(&self, value: impl std::borrow::Borrow<Option<String>>) -> String {
        fmt::or_dash(value.borrow())
    }

    fn path(&self, value: impl AsRef<str>) -> String {
        fmt::encode(value.as_ref())
    }
}
