//! The job queue for admins: the jobs in a state (dead ones above all, the
//! work that gave up) and retrying a dead one.

pub mod list;
pub mod retry;

use crate::db::jobs::JobRow;
use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

/// One job, without its payload (an email's body holds a live link).
#[derive(Debug, Serialize, ToSchema)]
pub struct JobView {
    /// The job id (time-ordered); an email's `Message-ID` is made from it.
    pub id: String,
    /// What it does (`send_email`, `expire_checkouts`, ...).
    pub kind: String,
    /// `pending`, `running`, `done` or `dead`.
    pub state: String,
    /// Attempts made so far.
    pub attempts: i32,
    /// When it is (or was) due.
    pub run_at: DateTime<Utc>,
    /// Why the last attempt failed.
    pub last_error: Option<String>,
    /// What the provider called the message it sent.
    pub provider_message_id: Option<String>,
    /// When it was queued.
    pub created_at: DateTime<Utc>,
    /// When it was done or given up.
    pub finished_at: Option<DateTime<Utc>>,
}

impl From<JobRow> for JobView {
    fn from(row: JobRow) -> Self {
        Self {
            id: row.id,
            kind: row.kind,
            state: row.state.as_str().to_owned(),
            attempts: row.attempts,
            run_at: row.run_at.and_utc(),
            last_error: row.last_error,
            provider_message_id: row.provider_message_id,
            created_at: row.created_at.and_utc(),
            finished_at: row.finished_at.map(|at| at.and_utc()),
        }
    }
}
