//! The scheduled sweeps, each a job the [`super::scheduler`] enqueues once
//! per `MASTHEAD_HOUSEKEEPING_MINUTES` across instances: expire lapsed
//! open checkouts and development gift checkouts (so staff views and
//! metrics do not count them open, and an unpaid gift cannot be paid),
//! prune spent account tokens, long-dead sessions, done jobs and idle
//! meters. Each is a
//! conditional statement, so a repeated run changes nothing more. The
//! lifecycle sweeps ([`LIFECYCLE_SWEEPS`]: ends, stale refunds, reminders)
//! are scheduled the same way and run by billing's handler.

use super::JobKind;
use super::handler::{HandlerFuture, JobError, JobHandler, JobSuccess};
use crate::db::{Database, housekeeping, jobs::JobRow};
use chrono::Duration;

/// How long a spent or expired account token is kept (support can still
/// see that a link went out).
const TOKEN_RETENTION: Duration = Duration::days(1);
/// How long a revoked or expired session is kept (the reader's session
/// list and reuse detection no longer need it).
const SESSION_RETENTION: Duration = Duration::days(30);
/// How long a done job is kept (its message id, for support).
const JOB_RETENTION: Duration = Duration::days(7);
/// How long an untouched metered-paywall meter is kept: a year, the
/// longest window the meter honours, after which none of its reads counts.
const METER_RETENTION: Duration = Duration::days(crate::domain::MAX_METER_WINDOW_DAYS as i64);

/// The sweeps' kinds, in the order the scheduler enqueues them.
/// `RunFollowUps` is among them so a Stripe follow-up whose attempt a
/// crash interrupted (its own lease since expired) is picked up.
/// The lifecycle sweeps ([`LIFECYCLE_SWEEPS`]) follow: billing's handler
/// runs them.
pub const SWEEPS: [JobKind; 17] = [
    JobKind::ExpireCheckouts,
    JobKind::PruneAccountTokens,
    JobKind::PruneSessions,
    JobKind::PruneJobs,
    JobKind::PruneMeters,
    JobKind::RunFollowUps,
    JobKind::ExpireGrace,
    JobKind::EndComps,
    JobKind::TakeOverRefunds,
    JobKind::RenewalReminders,
    JobKind::TrialReminders,
    JobKind::CompReminders,
    JobKind::PrintAddressReminders,
    JobKind::PriceChanges,
    JobKind::EndDevTrials,
    JobKind::EndGifts,
    JobKind::GiftReminders,
];

/// The sweeps of the subscription lifecycle: ending what ran out, finishing
/// stale refunds, and the reminders that come ahead of a date. One handler
/// of billing's (`billing::sweeps`), passed in by the composition root,
/// runs them all.
pub const LIFECYCLE_SWEEPS: [JobKind; 11] = [
    JobKind::ExpireGrace,
    JobKind::EndComps,
    JobKind::TakeOverRefunds,
    JobKind::RenewalReminders,
    JobKind::TrialReminders,
    JobKind::CompReminders,
    JobKind::PrintAddressReminders,
    JobKind::PriceChanges,
    JobKind::EndDevTrials,
    JobKind::EndGifts,
    JobKind::GiftReminders,
];

/// Runs one sweep.
pub struct Sweep {
    db: Database,
    kind: JobKind,
}

impl Sweep {
    /// The handler of the sweep `kind`.
    pub fn new(db: &Database, kind: JobKind) -> Self {
        Self {
            db: db.clone(),
            kind,
        }
    }
}

impl JobHandler for Sweep {
    fn run<'a>(&'a self, _job: &'a JobRow) -> HandlerFuture<'a> {
        let kind = self.kind;
        Box::pin(async move {
            let swept = self
                .db
                .run(move |conn| {
                    let now = chrono::Utc::now().naive_utc();
                    let swept = match kind {
                        JobKind::ExpireCheckouts => {
                            housekeeping::expire_lapsed_checkouts(conn, now)?
                                + housekeeping::expire_lapsed_gifts(
                                    conn,
                                    crate::domain::DEV_PROVIDER,
                                    now,
                                )?
                        }
                        JobKind::PruneAccountTokens => {
                            housekeeping::prune_account_tokens(conn, now - TOKEN_RETENTION)?
                        }
                        JobKind::PruneSessions => {
                            housekeeping::prune_sessions(conn, now - SESSION_RETENTION)?
                        }
                        JobKind::PruneJobs => {
                            crate::db::jobs::prune_done(conn, now - JOB_RETENTION)?
                        }
                        JobKind::PruneMeters => {
                            crate::db::meters::prune(conn, (now - METER_RETENTION).and_utc())?
                        }
                        JobKind::SendEmail
                        | JobKind::RunFollowUps
                        | JobKind::NarrateArticle
                        | JobKind::RenewalReminders
                        | JobKind::TrialReminders
                        | JobKind::CompReminders
                        | JobKind::PrintAddressReminders
                        | JobKind::ExpireGrace
                        | JobKind::EndComps
                        | JobKind::TakeOverRefunds
                        | JobKind::AnnouncePerk
                        | JobKind::PriceChanges
                        | JobKind::EndDevTrials
                        | JobKind::DeliverGift
                        | JobKind::EndGifts
                        | JobKind::GiftReminders => 0,
                    };
                    Ok(swept)
                })
                .await
                .map_err(|error| JobError::Retry(error.to_string()))?;
            tracing::info!(kind = kind.as_str(), swept, "housekeeping sweep done");
            Ok(JobSuccess::default())
        })
    }
}
