//! The `send_email` handler: hands the queued message to the mailer (SMTP
//! or the outbox) under the job's id, which becomes its `Message-ID`, so a
//! message sent twice (a worker killed between sending and settling) is
//! one message to the recipient's mail system; the outbox writes a job's
//! message once. The body is dropped from the row once sent.

use super::handler::{HandlerFuture, JobError, JobHandler, JobSuccess};
use crate::db::jobs::JobRow;
use crate::mail::{Email, Mailer};
use std::sync::Arc;

/// Queues `email` as a `send_email` job on `conn`, inside the caller's
/// transaction: sent once the transaction commits, never if it rolls back.
pub fn queue_email(conn: &mut crate::db::DbConnection, email: &Email) -> diesel::QueryResult<()> {
    let now = chrono::Utc::now().naive_utc();
    super::enqueue(conn, super::JobKind::SendEmail, email, now, None).map(drop)
}

/// Queues `email` like [`queue_email`], as the one job under `key` (a
/// reminder's, a perk launch to one reader): a second call with the key
/// (a sweep or fan-out run twice, or retried) queues nothing and returns
/// `false`.
pub fn queue_email_once(
    conn: &mut crate::db::DbConnection,
    email: &Email,
    key: &str,
) -> diesel::QueryResult<bool> {
    let now = chrono::Utc::now().naive_utc();
    super::enqueue(conn, super::JobKind::SendEmail, email, now, Some(key)).map(|id| id.is_some())
}

/// Sends queued emails.
pub struct SendEmail(pub Arc<Mailer>);

impl JobHandler for SendEmail {
    fn run<'a>(&'a self, job: &'a JobRow) -> HandlerFuture<'a> {
        Box::pin(async move {
            let email: Email = serde_json::from_str(&job.payload)
                .map_err(|error| JobError::Permanent(format!("unreadable email: {error}")))?;
            let message_id = self
                .0
                .deliver(&email, &job.id, job.attempts > 1)
                .await
                .map_err(JobError::Retry)?;
            let sent = serde_json::json!({ "to": email.to, "subject": email.subject });
            Ok(JobSuccess {
                provider_message_id: Some(message_id),
                payload_after: Some(sent.to_string()),
            })
        })
    }
}
