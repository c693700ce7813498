//! `POST /v1/admin/jobs/{id}/retry`: gives a dead job a fresh set of
//! attempts, due now (the mail server is back, the bug is fixed), and
//! records who did in the audit log.

use super::JobView;
use crate::domain::{AuditAction, JobId};
use crate::error::{ApiError, Problem};
use crate::jobs::{job_not_found, retry_dead_job};
use crate::routes::extract::{AdminRole, Staff};
use crate::state::AppState;
use actix_web::{HttpResponse, post, web};

/// Retries a dead job.
#[utoipa::path(
    tag = "admin",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The job id")),
    responses(
        (status = 200, description = "The job is pending again, due now", body = JobView),
        (status = 401, description = "No valid session", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an admin (`insufficient_role`)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such job (`job_not_found`)", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The job is not dead (`job_not_dead`): it is pending, running or done", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/{id}/retry")]
pub async fn retry_job(
    state: web::Data<AppState>,
    admin: Staff<AdminRole>,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let job = retry_job_as(&state, &admin, &id).await?;
    Ok(HttpResponse::Ok().json(job))
}

/// Retries dead job `id` as `admin`: the one path of this endpoint and the
/// staff console's jobs page (audited as `job_retried`, workers woken).
pub async fn retry_job_as(
    state: &AppState,
    admin: &Staff<AdminRole>,
    id: &str,
) -> Result<JobView, ApiError> {
    let id = JobId::parse(id).ok_or_else(job_not_found)?;
    let audit = admin.audit(AuditAction::JobRetried, ("job", id.as_str()));
    let job = retry_dead_job(&state.db, id, audit).await?;
    state.jobs.wake();
    Ok(JobView::from(job))
}
