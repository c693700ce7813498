//! `GET /v1/admin/refund-requests`: the queue, oldest first, by status.

use super::RefundRequestView;
use crate::auth::{Staff, SupportRole};
use crate::db;
use crate::error::{ApiError, FieldError, Problem};
use crate::routes::articles::list::paging;
use crate::startup::AppState;
use actix_web::{HttpResponse, get, web};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// Filtering and paging.
#[derive(Debug, Deserialize, IntoParams)]
pub struct RefundRequestsQuery {
    /// `pending` (default), `approved`, `denied` or `all`.
    pub status: Option<String>,
    /// Page number, from 1.
    pub page: Option<i64>,
    /// Requests per page, 1 to 100 (default 20).
    pub per_page: Option<i64>,
}

/// A page of requests.
#[derive(Debug, Serialize, ToSchema)]
pub struct RefundRequestList {
    /// The requests of this page.
    pub items: Vec<RefundRequestView>,
    /// This page's number.
    pub page: i64,
    /// Page size.
    pub per_page: i64,
    /// Requests in all pages.
    pub total: i64,
}

/// Lists refund requests.
#[utoipa::path(
    tag = "admin",
    security(("bearer" = [])),
    params(RefundRequestsQuery),
    responses(
        (status = 200, description = "A page of requests", body = RefundRequestList),
        (status = 400, description = "Unparseable query", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid session", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not support staff (`insufficient_role`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Unknown status or paging out of range", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("")]
pub async fn list_refund_requests(
    state: web::Data<AppState>,
    _support: Staff<SupportRole>,
    query: web::Query<RefundRequestsQuery>,
) -> Result<HttpResponse, ApiError> {
    let (page, per_page) = paging(query.page, query.per_page)?;
    let status = match query.status.as_deref().unwrap_or("pending") {
        "all" => None,
        status @ ("pending" | "approved" | "denied") => Some(status.to_owned()),
        _ => {
            return Err(ApiError::invalid_field(
                FieldError::new("invalid", "`pending`, `approved`, `denied` or `all`").at("status"),
            ));
        }
    };
    let offset = (page - 1).saturating_mul(per_page);
    let (rows, total) = state
        .db
        .run(move |conn| {
            Ok(db::refund_requests::list(
                conn,
                status.as_deref(),
                per_page,
                offset,
            )?)
        })
        .await?;
    Ok(HttpResponse::Ok().json(RefundRequestList {
        items: rows.iter().map(RefundRequestView::from).collect(),
        page,
        per_page,
        total,
    }))
}
