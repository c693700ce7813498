//! `GET /v1/admin/readers/export`: every reader as CSV, with the address
//! and the subscription that grants access now. Personal data leaves the
//! system, so the download is audited (before the first byte); password
//! hashes never do. The sheet is streamed a page of readers at a time
//! (chunked), so a million readers cost the server one page of memory.

use super::role_filter;
use crate::accounts::directory::export_readers as export;
use crate::domain::AuditAction;
use crate::error::{ApiError, Problem};
use crate::routes::auth::accounts;
use crate::routes::extract::{Staff, SupportRole};
use crate::spreadsheet::csv_download;
use crate::state::AppState;
use actix_web::{HttpResponse, get, web};
use serde::Deserialize;
use utoipa::IntoParams;

/// Which accounts to export.
#[derive(Debug, Default, Deserialize, IntoParams)]
pub struct ExportQuery {
    /// `reader` (default: staff accounts are not readers), `staff`,
    /// `support`, `editor`, `admin` or `all`.
    pub role: Option<String>,
}

/// Downloads every reader as CSV.
#[utoipa::path(
    tag = "admin",
    security(("bearer" = [])),
    params(ExportQuery),
    responses(
        (status = 200, description = "`readers.csv`, streamed (chunked): one row per reader created before the request, oldest first; tier, state and paid_until from the newest subscription granting access now (empty without one). `X-Total-Count` gives the rows counted at the start; a failure after the first byte cuts the download short rather than ending it cleanly", body = String, content_type = "text/csv"),
        (status = 401, description = "No valid session", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not support staff (`insufficient_role`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Unknown role", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/export")]
pub async fn export_readers(
    state: web::Data<AppState>,
    support: Staff<SupportRole>,
    query: web::Query<ExportQuery>,
) -> Result<HttpResponse, ApiError> {
    export_response(&state, &support, &query).await
}

/// The readers' CSV for `query`, audited for `support`: the one path of
/// this endpoint and the staff console's download.
pub async fn export_response(
    state: &AppState,
    support: &Staff<SupportRole>,
    query: &ExportQuery,
) -> Result<HttpResponse, ApiError> {
    let roles = role_filter(query.role.as_deref()).map_err(ApiError::invalid_field)?;
    let entry = support.audit(AuditAction::ReadersExported, ("readers", "all"));
    let export = export(&accounts(state), roles, entry).await?;
    Ok(csv_download("readers.csv")
        .insert_header(("X-Total-Count", export.rows().to_string()))
        .streaming(export.into_stream()?))
}
