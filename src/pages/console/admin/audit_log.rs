//! `GET /console/audit-log`: the audit log with the API's filters (staff
//! member, reader, action, target, from, until) and paging, through the
//! same function as `GET /v1/admin/audit-log`.

use crate::pages::console::render::{ConsoleError, Ctx, page};
use crate::pages::console::{ConsoleStaff, fmt};
use crate::routes::admin::audit_log::list::{AuditEntryView, AuditLogQuery, audit_page};
use crate::routes::extract::AdminRole;
use crate::state::AppState;
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

/// The filters as the form sends them (empty fields mean no filter; dates
/// are days, from the start of `from` to the end of `until`).
#[derive(Debug, Default, Deserialize)]
pub struct Filters {
    #[serde(default)]
    staff: String,
    #[serde(default)]
    reader: String,
    #[serde(default)]
    action: String,
    #[serde(default)]
    target: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    until: String,
    #[serde(default)]
    page: Option<i64>,
}

#[derive(Template)]
#[template(path = "console/audit_log.html")]
struct AuditLogPage<'a> {
    ctx: Option<&'a Ctx>,
    form: Filters,
    entries: Vec<AuditEntryView>,
    total: i64,
    page: i64,
    next: Option<String>,
    prev: Option<String>,
    error: Option<String>,
}

// askama calls these helpers as methods of the template (`self.at(..)`),
// with the fields it reads by reference.
#[allow(clippy::unused_self, clippy::trivially_copy_pass_by_ref)]
impl AuditLogPage<'_> {
    fn at(&self, value: &chrono::DateTime<chrono::Utc>) -> String {
        fmt::at(*value)
    }
}

fn some(text: &str) -> Option<String> {
    let text = text.trim();
    (!text.is_empty()).then(|| text.to_owned())
}

fn link(form: &Filters, page: i64) -> String {
    format!(
        "/console/audit-log?staff={}&reader={}&action={}&target={}&from={}&until={}&page={page}",
        fmt::encode(&form.staff),
        fmt::encode(&form.reader),
        fmt::encode(&form.action),
        fmt::encode(&form.target),
        fmt::encode(&form.from),
        fmt::encode(&form.until),
    )
}

/// The page.
pub async fn show(
    state: web::Data<AppState>,
    member: ConsoleStaff<AdminRole>,
    filters: web::Query<Filters>,
) -> Result<HttpResponse, ConsoleError> {
    let form = filters.into_inner();
    let query = AuditLogQuery {
        staff: some(&form.staff),
        reader: some(&form.reader),
        action: some(&form.action),
        target: some(&form.target),
        from: fmt::start_of_day(some(&form.from)),
        until: fmt::end_of_day(some(&form.until)),
        page: form.page,
        per_page: Some(50),
    };
    let (entries, total, page_number, error) = match audit_page(&state, query).await {
        Ok(found) => (found.items, found.total, found.page, None),
        Err(error) => (Vec::new(), 0, 1, Some(error.to_string())),
    };
    let status = if error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let next = (page_number * 50 < total).then(|| link(&form, page_number + 1));
    let prev = (page_number > 1).then(|| link(&form, page_number - 1));
    Ok(page(
        &state.settings,
        Some(&member.ctx),
        status,
        &AuditLogPage {
            ctx: Some(&member.ctx),
            form,
            entries,
            total,
            page: page_number,
            next,
            prev,
            error,
        },
    ))
}
