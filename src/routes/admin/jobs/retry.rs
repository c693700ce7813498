//! `POST /v1/admin/jobs/{id}/retry`: gives a dead job a fresh set of
//! attempts, due now (the mail server is back, the bug is fixed).

use super::JobView;
use crate::db;
use crate::domain::JobId;
use crate::error::{ApiError, Problem};
use crate::routes::extract::{AdminRole, Staff};
use crate::state::AppState;
use actix_web::{HttpResponse, post, web};

fn job_not_found() -> ApiError {
    ApiError::not_found("job_not_found", "no job has this id")
}

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
    _admin: Staff<AdminRole>,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = JobId::parse(&id).ok_or_else(job_not_found)?;
    let job = state
        .db
        .run(move |conn| {
            db::write_transaction(conn, |conn| {
                let now = chrono::Utc::now().naive_utc();
                if !db::jobs::retry_dead(conn, id.as_str(), now)? {
                    return Err(match db::jobs::find(conn, id.as_str())? {
                        None => job_not_found(),
                        Some(_) => ApiError::conflict(
                            "job_not_dead",
                            "only a dead job can be retried; this one is pending, running or done",
                        ),
                    });
                }
                db::jobs::find(conn, id.as_str())?.ok_or_else(job_not_found)
            })
        })
        .await?;
    state.jobs.wake();
    Ok(HttpResponse::Ok().json(JobView::from(job)))
}
