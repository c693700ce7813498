//! `GET /v1/admin/readers/export`: every reader as CSV, with the address
//! and the subscription that grants access now. Personal data leaves the
//! system, so the download is audited; password hashes never do.

use super::{granting_subscription, paid_until, role_filter};
use crate::db;
use crate::domain::AuditAction;
use crate::error::{ApiError, Problem};
use crate::routes::extract::{Staff, SupportRole};
use crate::spreadsheet::Spreadsheet;
use crate::state::AppState;
use actix_web::{HttpResponse, get, web};
use serde::Deserialize;
use serde_json::json;
use std::collections::HashMap;
use utoipa::IntoParams;

/// The export's columns, in order.
const HEADER: [&str; 14] = [
    "id",
    "email",
    "name",
    "role",
    "address_line1",
    "address_line2",
    "city",
    "region",
    "postal_code",
    "country",
    "tier",
    "state",
    "paid_until",
    "created_at",
];

/// Which accounts to export.
#[derive(Debug, Deserialize, IntoParams)]
pub struct ExportQuery {
    /// `reader` (default: staff accounts are not readers), `staff`,
    /// `support`, `editor`, `admin` or `all`.
    pub role: Option<String>,
}

fn timestamp(at: chrono::NaiveDateTime) -> String {
    at.and_utc()
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// Downloads every reader as CSV.
#[utoipa::path(
    tag = "admin",
    security(("bearer" = [])),
    params(ExportQuery),
    responses(
        (status = 200, description = "`readers.csv`: one row per reader; tier, state and paid_until from the newest subscription granting access now (empty without one)", body = String, content_type = "text/csv"),
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
    let roles = role_filter(query.role.as_deref()).map_err(ApiError::invalid_field)?;
    let (readers, subscriptions) = state
        .db
        .run(move |conn| {
            Ok((
                db::reader_directory::all(conn, roles.as_deref())?,
                db::subscriptions::for_readers_with_perks(conn, None)?,
            ))
        })
        .await?;
    let mut by_reader: HashMap<&str, Vec<_>> = HashMap::new();
    for subscription in &subscriptions {
        by_reader
            .entry(subscription.0.reader_id.as_str())
            .or_default()
            .push(subscription.clone());
    }
    let now = chrono::Utc::now();
    let mut sheet = Spreadsheet::new(&HEADER)?;
    for reader in &readers {
        let own = by_reader
            .get(reader.id.as_str())
            .map_or(&[][..], Vec::as_slice);
        let current = granting_subscription(own, now);
        let paid = current.and_then(paid_until).map(timestamp);
        sheet.row([
            Some(reader.id.as_str()),
            Some(reader.email.as_str()),
            Some(reader.name.as_str()),
            Some(reader.role.as_str()),
            reader.address_line1.as_deref(),
            reader.address_line2.as_deref(),
            reader.address_city.as_deref(),
            reader.address_region.as_deref(),
            reader.address_postal_code.as_deref(),
            reader.address_country.as_deref(),
            current.map(|s| s.tier_id.as_str()),
            current.map(|s| s.state.as_str()),
            paid.as_deref(),
            Some(timestamp(reader.created_at).as_str()),
        ])?;
    }
    let entry = support
        .audit(AuditAction::ReadersExported, ("readers", "all"))
        .details(&json!({ "rows": sheet.rows() }));
    state
        .db
        .run(move |conn| {
            db::write_transaction(conn, |conn| Ok(db::audit_log::record(conn, &entry)?))
        })
        .await?;
    Ok(sheet.into_response("readers.csv")?)
}
