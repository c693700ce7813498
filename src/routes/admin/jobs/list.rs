//! `GET /v1/admin/jobs?state=dead`: the jobs in a state, newest first.

use super::JobView;
use crate::db;
use crate::error::{ApiError, FieldError, Problem};
use crate::jobs::JobState;
use crate::routes::extract::{AdminRole, Staff};
use crate::state::AppState;
use actix_web::{HttpResponse, get, web};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// The most jobs one answer lists.
const LIMIT: i64 = 200;

/// Which jobs.
#[derive(Debug, Deserialize, IntoParams)]
pub struct JobsQuery {
    /// `pending`, `running`, `done` or `dead` (default `dead`).
    pub state: Option<String>,
}

/// The jobs found.
#[derive(Debug, Serialize, ToSchema)]
pub struct JobList {
    /// Newest first, at most 200.
    pub items: Vec<JobView>,
}

fn state(raw: Option<&str>) -> Result<JobState, FieldError> {
    raw.map_or(Ok(JobState::Dead), |raw| {
        JobState::parse(raw).ok_or_else(|| {
            FieldError::new("invalid", "not a job state (pending, running, done, dead)")
        })
    })
}

/// Lists the jobs in a state: `dead` ones gave up after
/// `MASTHEAD_JOB_MAX_ATTEMPTS` and wait for an admin.
#[utoipa::path(
    tag = "admin",
    security(("bearer" = [])),
    params(JobsQuery),
    responses(
        (status = 200, description = "The jobs in the state", body = JobList),
        (status = 400, description = "Unparseable query", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid session", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an admin (`insufficient_role`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Not a job state", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("")]
pub async fn list_jobs(
    state_: web::Data<AppState>,
    _admin: Staff<AdminRole>,
    query: web::Query<JobsQuery>,
) -> Result<HttpResponse, ApiError> {
    let list = jobs_in_state(&state_, &query).await?;
    Ok(HttpResponse::Ok().json(list))
}

/// The jobs in the state `query` names, as this endpoint answers them; the
/// staff console's jobs page shows the same.
pub async fn jobs_in_state(state_: &AppState, query: &JobsQuery) -> Result<JobList, ApiError> {
    crate::parse_fields! {
        wanted = "state" => state(query.state.as_deref()),
    }
    let rows = state_
        .db
        .run(move |conn| Ok(db::jobs::in_state(conn, wanted, LIMIT)?))
        .await?;
    Ok(JobList {
        items: rows.into_iter().map(JobView::from).collect(),
    })
}
