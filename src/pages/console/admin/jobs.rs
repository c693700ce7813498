//! `GET /console/jobs`: the durable queue's jobs in a state (dead ones by
//! default: the work that gave up and waits for an admin), each dead one
//! with a Retry button — the use cases of `GET /v1/admin/jobs` and `POST
//! /v1/admin/jobs/{id}/retry` (audited as `job_retried`; a second press
//! finds the job no longer dead and retries nothing).

use crate::error::ApiError;
use crate::pages::console::render::{ConsoleError, Ctx, describe, page, redirect, status_of};
use crate::pages::console::{ConsoleForm, ConsoleStaff, fmt};
use crate::routes::admin::jobs::JobView;
use crate::routes::admin::jobs::list::{JobsQuery, jobs_in_state};
use crate::routes::admin::jobs::retry::retry_job_as;
use crate::routes::extract::AdminRole;
use crate::state::AppState;
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

/// The states the page offers, dead first.
const STATES: [&str; 4] = ["dead", "pending", "running", "done"];

#[derive(Template)]
#[template(path = "console/jobs.html")]
struct JobsPage<'a> {
    ctx: Option<&'a Ctx>,
    state: String,
    states: [&'static str; 4],
    jobs: Vec<JobView>,
    error: Option<String>,
}

// askama calls these helpers as methods of the template (`self.at(..)`).
#[allow(clippy::unused_self)]
impl JobsPage<'_> {
    fn at(&self, value: impl fmt::AsAt) -> String {
        fmt::at(value)
    }

    /// Whether the page shows the jobs in `state`.
    fn shows(&self, state: &str) -> bool {
        self.state == state
    }
}

/// The page's query: `state` as the API takes it.
#[derive(Debug, Deserialize)]
pub struct JobsPageQuery {
    state: Option<String>,
}

async fn render(
    state: &AppState,
    member: &ConsoleStaff<AdminRole>,
    wanted: Option<String>,
    error: Option<&ApiError>,
) -> Result<HttpResponse, ConsoleError> {
    let query = JobsQuery {
        state: wanted.clone(),
    };
    let found = jobs_in_state(state, &query)
        .await
        .map_err(|e| ConsoleError::Api(e, member.boxed_ctx()))?;
    Ok(page(
        &state.settings,
        Some(&member.ctx),
        error.map_or(StatusCode::OK, status_of),
        &JobsPage {
            ctx: Some(&member.ctx),
            state: wanted.unwrap_or_else(|| "dead".to_owned()),
            states: STATES,
            jobs: found.items,
            error: error.map(describe),
        },
    ))
}

/// The page (`?state=pending` and so on; dead by default).
pub async fn show(
    state: web::Data<AppState>,
    member: ConsoleStaff<AdminRole>,
    query: web::Query<JobsPageQuery>,
) -> Result<HttpResponse, ConsoleError> {
    let wanted = query.into_inner().state.filter(|s| !s.trim().is_empty());
    render(&state, &member, wanted, None).await
}

/// `POST /console/jobs/{id}/retry`.
pub async fn retry(
    state: web::Data<AppState>,
    form: ConsoleForm<AdminRole>,
    id: web::Path<String>,
) -> Result<HttpResponse, ConsoleError> {
    match retry_job_as(&state, &form.member.staff, &id).await {
        Ok(job) => Ok(redirect(
            &state.settings,
            "/console/jobs",
            Some(&format!(
                "Job {} ({}) is queued again with a fresh set of attempts.",
                job.id, job.kind
            )),
        )),
        Err(error) => render(&state, &form.member, None, Some(&error)).await,
    }
}
