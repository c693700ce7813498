//! `GET /v1/admin/issues`: every issue, unpublished ones included, newest
//! number first, paged.

use super::AdminIssueView;
use crate::db;
use crate::domain::Paging;
use crate::error::{ApiError, Problem};
use crate::routes::extract::{EditorRole, Staff};
use crate::routes::page::{Listed, Page};
use crate::state::AppState;
use actix_web::{HttpResponse, get, web};
use serde::Deserialize;
use utoipa::IntoParams;

/// Paging.
#[derive(Debug, Default, Deserialize, IntoParams)]
pub struct AdminListIssuesQuery {
    /// Page number, from 1.
    pub page: Option<i64>,
    /// Issues per page, 1 to 100 (default 20).
    pub per_page: Option<i64>,
}

impl Listed for AdminIssueView {
    const LIST: &'static str = "AdminIssueList";
    const PLURAL: &'static str = "issues";
}

/// A page of issues (its schema keeps this name).
pub type AdminIssueList = Page<AdminIssueView>;

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
    Ok(HttpResponse::Ok().json(issue_page(&state, &query).await?))
}

/// A page of issues for `query`: the one path of this endpoint and the
/// staff console.
pub async fn issue_page(
    state: &AppState,
    query: &AdminListIssuesQuery,
) -> Result<Page<AdminIssueView>, ApiError> {
    let paging = Paging::parse(query.page, query.per_page).map_err(ApiError::Validation)?;
    let (issues, total) = state
        .db
        .run(move |conn| Ok(db::issues::list_all(conn, paging)?))
        .await?;
    Ok(Page::new(
        paging,
        issues.into_iter().map(AdminIssueView::from).collect(),
        total,
    ))
}
