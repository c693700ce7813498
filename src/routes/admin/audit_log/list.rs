//! `GET /v1/admin/audit-log`: entries newest first, filtered by staff
//! member, reader, action, target and time. Admins only: it is the record
//! of what every other staff member did.

use crate::db::{self, audit_log::AuditFilter, audit_log::AuditRow};
use crate::domain::{AuditAction, FieldError, Paging, parse_instant};
use crate::error::{ApiError, Problem};
use crate::routes::extract::{AdminRole, Staff};
use crate::routes::page::{Listed, Page};
use crate::state::AppState;
use actix_web::{HttpResponse, get, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// Filters and paging; every filter narrows.
#[derive(Debug, Default, Deserialize, IntoParams)]
pub struct AuditLogQuery {
    /// Entries by this staff member (reader id).
    pub staff: Option<String>,
    /// Entries concerning this reader.
    pub reader: Option<String>,
    /// Entries of this action (e.g. `subscription_refunded`).
    pub action: Option<String>,
    /// Entries on this target id (a subscription, a reader, an issue).
    pub target: Option<String>,
    /// From this instant (RFC 3339, inclusive).
    pub from: Option<String>,
    /// Until this instant (RFC 3339, exclusive).
    pub until: Option<String>,
    /// Page number, from 1.
    pub page: Option<i64>,
    /// Entries per page, 1 to 100 (default 20).
    pub per_page: Option<i64>,
}

/// One entry.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuditEntryView {
    /// The entry id (time-ordered).
    pub id: String,
    /// Who acted.
    pub staff_id: String,
    /// In which role.
    pub staff_role: String,
    /// What they did.
    pub action: String,
    /// The kind of thing acted on (`subscription`, `reader`, `issue`, ...).
    pub target_type: String,
    /// Its id.
    pub target_id: String,
    /// The reader concerned, if any.
    pub reader_id: Option<String>,
    /// Why, in their words.
    pub reason: Option<String>,
    /// What changed (amounts, dates), as recorded.
    #[schema(value_type = Option<Object>)]
    pub details: Option<serde_json::Value>,
    /// The request that did it (`X-Request-Id`), to find its log lines.
    pub request_id: Option<String>,
    /// When.
    pub occurred_at: DateTime<Utc>,
}

impl From<AuditRow> for AuditEntryView {
    fn from(row: AuditRow) -> Self {
        Self {
            details: row
                .details
                .as_deref()
                .and_then(|d| serde_json::from_str(d).ok()),
            id: row.id,
            staff_id: row.staff_id,
            staff_role: row.staff_role,
            action: row.action,
            target_type: row.target_type,
            target_id: row.target_id,
            reader_id: row.reader_id,
            reason: row.reason,
            request_id: row.request_id,
            occurred_at: row.occurred_at.and_utc(),
        }
    }
}

impl Listed for AuditEntryView {
    const LIST: &'static str = "AuditLogPage";
    const PLURAL: &'static str = "entries";
}

/// A page of entries (its schema keeps this name).
pub type AuditLogPage = Page<AuditEntryView>;

fn optional_instant(raw: Option<&str>) -> Result<Option<DateTime<Utc>>, FieldError> {
    raw.map(|raw| parse_instant(Some(raw))).transpose()
}

fn action(raw: Option<&str>) -> Result<Option<AuditAction>, FieldError> {
    raw.map(|raw| {
        AuditAction::parse(raw).ok_or_else(|| FieldError::new("invalid", "not an audit action"))
    })
    .transpose()
}

/// Searches the audit log.
#[utoipa::path(
    tag = "admin",
    security(("bearer" = [])),
    params(AuditLogQuery),
    responses(
        (status = 200, description = "A page of entries", body = AuditLogPage),
        (status = 400, description = "Unparseable query", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid session", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an admin (`insufficient_role`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Unknown action, a malformed date, or paging out of range", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("")]
pub async fn audit_log(
    state: web::Data<AppState>,
    _admin: Staff<AdminRole>,
    query: web::Query<AuditLogQuery>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(audit_page(&state, query.into_inner()).await?))
}

/// A page of the audit log for `query`: the one path of this endpoint and
/// the staff console (which shows support a reader's own trail).
pub async fn audit_page(
    state: &AppState,
    query: AuditLogQuery,
) -> Result<Page<AuditEntryView>, ApiError> {
    let paging = Paging::parse(query.page, query.per_page).map_err(ApiError::Validation)?;
    crate::parse_fields! {
        from = "from" => optional_instant(query.from.as_deref()),
        until = "until" => optional_instant(query.until.as_deref()),
        action = "action" => action(query.action.as_deref()),
    }
    let filter = AuditFilter {
        staff_id: query.staff,
        reader_id: query.reader,
        action,
        target_id: query.target,
        from: from.map(|t| t.naive_utc()),
        until: until.map(|t| t.naive_utc()),
    };
    let (rows, total) = state
        .db
        .run(move |conn| Ok(db::audit_log::search(conn, &filter, paging)?))
        .await?;
    Ok(Page::new(
        paging,
        rows.into_iter().map(AuditEntryView::from).collect(),
        total,
    ))
}
