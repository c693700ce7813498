//! `GET /v1/issues/{number}`: an issue and its table of contents.

use super::IssueSummary;
use crate::db;
use crate::domain::Paging;
use crate::error::{ApiError, Problem};
use crate::routes::articles::{ArticleSummary, mark_private};
use crate::routes::extract::{MeterCredential, Visitor};
use crate::routes::gate::Gate;
use crate::state::AppState;
use actix_web::{HttpResponse, get, web};
use serde::Serialize;
use utoipa::ToSchema;

/// Most articles one issue lists in its table of contents.
const TABLE_OF_CONTENTS_LIMIT: i64 = 500;

/// An issue with its table of contents.
#[derive(Debug, Serialize, ToSchema)]
pub struct IssuePage {
    #[serde(flatten)]
    pub issue: IssueSummary,
    /// Its published articles, each with this visitor's access.
    pub articles: Vec<ArticleSummary>,
}

/// An issue and its table of contents.
#[utoipa::path(
    tag = "issues",
    params(("number" = i32, Path, description = "The issue number")),
    security((), ("bearer" = [])),
    responses(
        (status = 200, description = "The issue", body = IssuePage),
        (status = 401, description = "A token was sent but is invalid, expired or its session revoked", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No published issue with this number", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/v1/issues/{number}")]
pub async fn get_issue(
    state: web::Data<AppState>,
    visitor: Visitor,
    meter: MeterCredential,
    number: web::Path<i32>,
) -> Result<HttpResponse, ApiError> {
    let number = number.into_inner();
    let (issue, (articles, _)) = state
        .db
        .run(move |conn| {
            let issue = db::catalogue::published_issue(conn, number)?;
            let articles = db::catalogue::published_articles(
                conn,
                Some(number),
                Paging::first(TABLE_OF_CONTENTS_LIMIT),
            )?;
            Ok((issue, articles))
        })
        .await?;
    let issue = issue.ok_or_else(|| {
        ApiError::not_found("issue_not_found", "no published issue has this number")
    })?;
    let gate = Gate::for_visitor(&state, &visitor)
        .await?
        .with_meter(&state, &visitor, &meter)
        .await?;
    let articles: Vec<ArticleSummary> = articles
        .iter()
        .map(|a| ArticleSummary::new(a, gate.article(a)))
        .collect();
    let mut response = HttpResponse::Ok();
    if articles
        .iter()
        .any(|article| article.access.meter.is_some())
    {
        mark_private(&mut response);
    }
    Ok(response.json(IssuePage {
        issue: IssueSummary::new(
            &issue,
            !gate.is_past_issue(Some(issue.number)),
            gate.edition(issue.number),
        ),
        articles,
    }))
}
