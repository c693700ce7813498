//! `GET /v1/issues`: published issues, newest first, paged.

use super::IssueSummary;
use crate::db;
use crate::domain::Paging;
use crate::error::{ApiError, Problem};
use crate::routes::extract::Visitor;
use crate::routes::gate::Gate;
use crate::routes::page::{Listed, Page};
use crate::state::AppState;
use actix_web::{HttpResponse, get, web};
use serde::Deserialize;
use utoipa::IntoParams;

/// Paging.
#[derive(Debug, Deserialize, IntoParams)]
pub struct ListIssuesQuery {
    /// Page number, from 1.
    pub page: Option<i64>,
    /// Issues per page, 1 to 100 (default 20).
    pub per_page: Option<i64>,
}

impl Listed for IssueSummary {
    const LIST: &'static str = "IssueList";
    const PLURAL: &'static str = "issues";
}

/// A page of issues (its schema keeps this name).
pub type IssueList = Page<IssueSummary>;

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
    let paging = Paging::parse(query.page, query.per_page).map_err(ApiError::Validation)?;
    let (issues, total) = state
        .db
        .run(move |conn| Ok(db::catalogue::published_issues(conn, paging)?))
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
    Ok(HttpResponse::Ok().json(Page::new(paging, items, total)))
}
