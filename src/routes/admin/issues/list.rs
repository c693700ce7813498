//! `GET /v1/admin/issues`: every issue, unpublished ones included, newest
//! number first, paged.

use super::AdminIssueView;
use crate::db;
use crate::error::{ApiError, Problem};
use crate::routes::articles::list::paging;
use crate::routes::extract::{EditorRole, Staff};
use crate::state::AppState;
use actix_web::{HttpResponse, get, web};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// Paging.
#[derive(Debug, Deserialize, IntoParams)]
pub struct AdminListIssuesQuery {
    /// Page number, from 1.
    pub page: Option<i64>,
    /// Issues per page, 1 to 100 (default 20).
    pub per_page: Option<i64>,
}

/// A page of issues as editors see them.
#[derive(Debug, Serialize, ToSchema)]
pub struct AdminIssueList {
    /// The issues of this page.
    pub items: Vec<AdminIssueView>,
    /// This page's number.
    pub page: i64,
    /// Page size.
    pub per_page: i64,
    /// Issues in all pages.
    pub total: i64,
}

/// Lists every issue.
#[utoipa::path(
    tag = "admin",
    operation_id = "admin_list_issues",
    security(("bearer" = [])),
    params(AdminListIssuesQuery),
    responses(
        (status = 200, description = "A page of issues", body = AdminIssueList),
        (status = 401, description = "No valid session", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an editor (`insufficient_role`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Paging out of range", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("")]
pub async fn list_issues(
    state: web::Data<AppState>,
    _editor: Staff<EditorRole>,
    query: web::Query<AdminListIssuesQuery>,
) -> Result<HttpResponse, ApiError> {
    let (page, per_page) = paging(query.page, query.per_page)?;
    let offset = (page - 1).saturating_mul(per_page);
    let (issues, total) = state
        .db
        .run(move |conn| Ok(db::issues::list_all(conn, per_page, offset)?))
        .await?;
    Ok(HttpResponse::Ok().json(AdminIssueList {
        items: issues.into_iter().map(AdminIssueView::from).collect(),
        page,
        per_page,
        total,
    }))
}
