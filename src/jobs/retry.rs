//! Staff giving a dead job a fresh set of attempts, due now (the mail
//! server is back, the bug is fixed), with the audit entry in the same
//! transaction.

use crate::db::audit_log::{self, AuditEntry};
use crate::db::jobs::JobRow;
use crate::db::{self, Database};
use crate::domain::JobId;
use crate::error::ApiError;

/// 404 for a job id that names nothing.
pub fn job_not_found() -> ApiError {
    ApiError::not_found("job_not_found", "no job has this id")
}

/// Makes dead job `id` pending again, due now, and records `audit`;
/// 409 `job_not_dead` for a job that is pending, running or done (so a
/// double click retries once). The caller wakes the workers.
pub async fn retry_dead_job(
    db: &Database,
    id: JobId,
    audit: AuditEntry,
) -> Result<JobRow, ApiError> {
    db.run(move |conn| {
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
            let job = db::jobs::find(conn, id.as_str())?.ok_or_else(job_not_found)?;
            let details = serde_json::json!({"kind": job.kind, "attempts": job.attempts});
            audit_log::record(conn, &audit.details(&details).at(now))?;
            Ok(job)
        })
    })
    .await
}
