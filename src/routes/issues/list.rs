//! `GET /v1/issues`: published issues, newest first, paged.

use super::IssueSummary;
use crate::db;
use crate::error::{ApiError, Problem};
use crate::routes::articles::list::paging;
use crate::routes::extract::Visitor;
use crate::routes::gate::Gate;
use crate::state::AppState;
use actix_web::{HttpResponse, get, web};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// Paging.
#[derive(Debug, Deserialize, IntoParams)]
pub struct ListIssuesQuery {
    /// Page number, from 1.
    pub page: Option<i64>,
    /// Issues per page, 1 to 100 (default 20).
    pub per_page: Option<i64>,
}

/// A page of issues.
#[derive(Debug, Serialize, ToSchema)]
pub struct IssueList {
    /// The issues of this page.
    pub items: Vec<IssueSummary>,
    /// This page's number.
    pub page: i64,
    /// Page size.
    pub per_page: i64,
    /// Issues in all pages.
    pub total: i64,
}

/// Lists published issues.
#[utoipa::path(
    tag = "issues",
    params(ListIssuesQuery),
    security((), ("bearer" = [])),
    responses(
        (status = 200, description = "A page of issues", body = IssueList),
        (status = 401, description = "A token was sent but is invalid, expired or its session revoked", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Paging out of range", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/v1/issues")]
pub async fn list_issues(
    state: web::Data<AppState>,
    visitor: Visitor,
    query: web::Query<ListIssuesQuery>,
) -> Result<HttpResponse, ApiError> {
    let (page, per_page) = paging(query.page, query.per_page)?;
    let (issues, total) = state
        .db
        .run(move |conn| {
            Ok(db::catalogue::published_issues(
                conn,
                per_page,
                (page - 1).saturating_mul(per_page),
            )?)
        })
        .await?;
    let gate = Gate::for_visitor(&state, &visitor).await?;
    let items = issues
        .iter()
        .map(|issue| {
            IssueSummary::new(
                issue,
                !gate.is_past_issue(Some(issue.number)),
                gate.edition(issue.number),
            )
        })
        .collect();
    Ok(HttpResponse::Ok().json(IssueList {
        items,
        page,
        per_page,
        total,
    }))
}
