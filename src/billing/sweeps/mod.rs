//! The scheduled sweeps of the subscription lifecycle, run by one job
//! handler for every kind in `jobs::housekeeping::LIFECYCLE_SWEEPS`:
//!
//! - [`ends`]: `past_due` past its grace window, comps and gifts past
//!   their end become `expired`, as the state machine's `Clock` rows allow;
//! - `take_over_refunds`: refunds whose claim went stale with its process
//!   are finished (`refund::take_over_stale_claims`);
//! - [`reminders`]: renewal reminders before an annual renewal, a trial's
//!   end, a comp's end, a gift's end (with the offer to continue);
//! - [`print_address`]: print subscribers without an address before the
//!   next issue's cut-off;
//! - [`trials`]: the development provider's trials that ended take their
//!   first payment (Stripe's are reported by its webhooks);
//! - `price_changes`: renewing subscribers told of a scheduled price, and
//!   moved to it before the renewal it applies to
//!   (`price_changes::sweep`).
//!
//! Each is idempotent: the moves are conditional transitions, each
//! reminder is marked sent in the transaction that queues it. So the
//! scheduler's once-per-period job, run twice after a crash or swept by
//! two instances, changes and sends nothing more.

pub(crate) mod ends;
pub(crate) mod print_address;
pub(crate) mod reminders;
pub(crate) mod trials;

use super::provider::Provider;
use crate::db::Database;
use crate::db::jobs::JobRow;
use crate::domain::JobKind;
use crate::error::ApiError;
use crate::jobs::{HandlerFuture, JobError, JobHandler, JobSuccess};
use crate::mail::Letters;
use std::sync::Arc;

/// Runs the lifecycle sweeps; registered for each of their kinds.
pub struct LifecycleSweeps {
    db: Database,
    provider: Provider,
    letters: Arc<Letters>,
}

impl LifecycleSweeps {
    /// Sweeps over `db`, refunding through `provider`, writing with
    /// `letters` (whose settings hold the reminder days).
    pub fn new(db: &Database, provider: &Provider, letters: &Arc<Letters>) -> Self {
        Self {
            db: db.clone(),
            provider: provider.clone(),
            letters: Arc::clone(letters),
        }
    }

    async fn sweep(&self, kind: JobKind) -> Result<usize, ApiError> {
        let (db, letters) = (&self.db, &self.letters);
        match kind {
            JobKind::ExpireGrace => ends::expire_grace(db).await,
            JobKind::EndComps => ends::end_comps(db).await,
            JobKind::TakeOverRefunds => {
                let window = letters.settings().refund_window_days;
                super::refund::take_over_stale_claims(db, &self.provider, letters, window).await
            }
            JobKind::RenewalReminders => reminders::renewals(db, letters).await,
            JobKind::TrialReminders => reminders::trials(db, letters).await,
            JobKind::CompReminders => reminders::comps(db, letters).await,
            JobKind::PrintAddressReminders => print_address::remind(db, letters).await,
            JobKind::PriceChanges => {
                super::price_changes::sweep::run(db, &self.provider, letters).await
            }
            JobKind::EndDevTrials => trials::end_dev_trials(db, letters).await,
            JobKind::EndGifts => ends::end_gifts(db).await,
            JobKind::GiftReminders => reminders::gifts(db, letters).await,
            JobKind::SendEmail
            | JobKind::DeliverGift
            | JobKind::ExpireCheckouts
            | JobKind::PruneAccountTokens
            | JobKind::PruneSessions
            | JobKind::PruneJobs
            | JobKind::PruneMeters
            | JobKind::RunFollowUps
            | JobKind::NarrateArticle
            | JobKind::AnnouncePerk => Ok(0),
        }
    }
}

impl JobHandler for LifecycleSweeps {
    fn run<'a>(&'a self, job: &'a JobRow) -> HandlerFuture<'a> {
        Box::pin(async move {
            let Some(kind) = JobKind::parse(&job.kind) else {
                return Err(JobError::Permanent(format!("unknown sweep {}", job.kind)));
            };
            let swept = self
                .sweep(kind)
                .await
                .map_err(|error| JobError::Retry(error.to_string()))?;
            tracing::info!(kind = kind.as_str(), swept, "lifecycle sweep done");
            Ok(JobSuccess::default())
        })
    }
}
