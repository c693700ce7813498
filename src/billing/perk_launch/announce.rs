//! The `announce_perk` handler: pages through the tier's subscriptions
//! and queues the launch email to each reader the subscription grants
//! access now (the gate's rule), who takes product updates and whose
//! account is neither deleted nor disabled. Each page is one transaction
//! of `send_email` jobs keyed `perk_launch:<perk>:<reader>`, so a fan-out
//! killed midway and run again queues only what it had not.

use super::{Announcement, email_key};
use crate::auth::UnsubscribeTokens;
use crate::db::{self, Database, jobs::JobRow, readers::ReaderRow};
use crate::domain::{EmailList, PerkStatus};
use crate::error::ApiError;
use crate::jobs::{HandlerFuture, JobError, JobHandler, JobSuccess};
use crate::mail::Letters;
use crate::mail::messages::{self, PerkLaunch, To};
use std::sync::Arc;

/// Subscriptions read (and emails queued) per transaction.
const PAGE: i64 = 200;

/// The handler of `announce_perk` jobs.
pub struct AnnouncePerk {
    db: Database,
    letters: Arc<Letters>,
    unsubscribe: UnsubscribeTokens,
}

impl AnnouncePerk {
    /// Writes with `letters`, signing unsubscribe links with `unsubscribe`.
    pub fn new(db: &Database, letters: &Arc<Letters>, unsubscribe: &UnsubscribeTokens) -> Self {
        Self {
            db: db.clone(),
            letters: Arc::clone(letters),
            unsubscribe: unsubscribe.clone(),
        }
    }

    async fn announce(&self, job: &JobRow) -> Result<JobSuccess, JobError> {
        let announcement: Announcement = serde_json::from_str(&job.payload)
            .map_err(|error| JobError::Permanent(format!("unreadable announcement: {error}")))?;
        let mut after: Option<String> = None;
        let mut queued = 0_usize;
        loop {
            let letters = Arc::clone(&self.letters);
            let tokens = self.unsubscribe.clone();
            let announcement = announcement.clone();
            let cursor = after.clone();
            let page = self
                .db
                .run(move |conn| {
                    db::write_transaction(conn, |conn| {
                        queue_page(conn, &letters, &tokens, &announcement, cursor.as_deref())
                    })
                })
                .await
                .map_err(|error| JobError::Retry(error.to_string()))?;
            queued += page.queued;
            match page.last {
                Some(last) => after = Some(last),
                None => break,
            }
        }
        tracing::info!(
            tier = announcement.tier,
            perk = announcement.perk.as_str(),
            queued,
            "perk launch announced"
        );
        Ok(JobSuccess::default())
    }
}

/// One page's outcome: emails queued, and the last subscription read
/// (`None`: the end).
struct Page {
    queued: usize,
    last: Option<String>,
}

/// Whether `reader` is mailed optional news at all.
fn takes_product_updates(reader: &ReaderRow) -> bool {
    reader.product_updates() && reader.disabled_at.is_none() && !reader.email.ends_with(".invalid")
}

fn queue_page(
    conn: &mut db::DbConnection,
    letters: &Letters,
    tokens: &UnsubscribeTokens,
    announcement: &Announcement,
    after: Option<&str>,
) -> Result<Page, ApiError> {
    let (tier, perk) = (announcement.tier.as_str(), announcement.perk);
    // Turned back to coming_soon before the fan-out ran: nothing to say.
    if db::tiers::perk_status(conn, tier, perk)? != Some(PerkStatus::Live) {
        return Ok(Page {
            queued: 0,
            last: None,
        });
    }
    let plan = db::tiers::find(conn, tier)?.map_or_else(|| tier.to_owned(), |tier| tier.name);
    let rows = db::perk_audience::page(conn, tier, after, PAGE)?;
    let now = chrono::Utc::now();
    let mut queued = 0;
    for (subscription, reader) in &rows {
        let grants = subscription
            .snapshot(Vec::new())
            .is_some_and(|snapshot| snapshot.grants_access(now));
        if !grants || !takes_product_updates(reader) {
            continue;
        }
        let token = tokens.issue(&reader.reader_id(), EmailList::ProductUpdates);
        let email = messages::perk_launched(
            letters,
            &PerkLaunch {
                to: To::reader(reader),
                plan: &plan,
                perk,
                unsubscribe_token: &token,
            },
        );
        if crate::jobs::queue_email_once(conn, &email, &email_key(perk, &reader.id))? {
            queued += 1;
        }
    }
    let full = i64::try_from(rows.len()).unwrap_or(i64::MAX) == PAGE;
    Ok(Page {
        queued,
        last: full
            .then(|| rows.last().map(|(subscription, _)| subscription.id.clone()))
            .flatten(),
    })
}

impl JobHandler for AnnouncePerk {
    fn run<'a>(&'a self, job: &'a JobRow) -> HandlerFuture<'a> {
        Box::pin(self.announce(job))
    }
}
