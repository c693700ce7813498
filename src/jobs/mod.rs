//! The durable job queue: work a change makes necessary (an email, a
//! scheduled sweep) is a row in `jobs`, written by [`enqueue`] inside the
//! change's own diesel transaction (the outbox pattern): a committed change
//! always gets its job, a rolled-back one never does. Workers in every
//! instance claim due jobs for a lease ([`claim`], [`lease`]), run them
//! through the [`JobHandler`] registered for their kind ([`handler`],
//! [`run`]), and settle them: done, retried with exponential backoff
//! ([`backoff`]), or given up into `dead` after `MASTHEAD_JOB_MAX_ATTEMPTS`,
//! where staff see and retry them. A worker killed mid-job leaves its claim
//! to lapse; the job is claimed again. So each job runs at least once, and
//! handlers make the effect happen once (an email keeps its job's id as its
//! `Message-ID`; sweeps are conditional statements). The [`scheduler`]
//! enqueues periodic jobs once per period across instances. Why no crate:
//! docs/operations/jobs.md.

pub mod backoff;
pub mod claim;
pub mod email;
pub mod enqueue;
pub mod handler;
pub mod housekeeping;
pub mod lease;
pub mod metrics;
mod retry;
pub mod run;
pub mod scheduler;

pub use crate::domain::{JobKind, JobState};
pub use email::{queue_email, queue_email_once};
pub use enqueue::enqueue;
pub use handler::{HandlerFuture, Handlers, JobError, JobHandler, JobSuccess};
pub use retry::{job_not_found, retry_dead_job};
pub use run::{Queue, start};
