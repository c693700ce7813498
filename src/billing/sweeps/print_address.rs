//! Asking print subscribers for their address before an issue's cut-off.
//! The print mailing list of an issue is drawn up at its cut-off (the
//! publication date minus `MASTHEAD_PRINT_CUTOFF_DAYS`); a reader entitled
//! to the live `print_edition` perk without a complete shipping address
//! would be left off it. For each issue whose cut-off is ahead and within
//! [`NOTICE_DAYS`], every such reader (entitled now, as the mailing list
//! judges it) gets one email per issue, keyed by the reader and the issue
//! number, saying by when to add the address.

use crate::billing::notices::{self, CutOff};
use crate::catalogue::mailing_list::Drawing;
use crate::db::{self, Database, due_dates, mailing_list, readers};
use crate::domain::ReaderId;
use crate::error::ApiError;
use crate::mail::Letters;
use chrono::{Duration, Utc};
use std::sync::Arc;

/// How long before an issue's cut-off its print subscribers without an
/// address are asked for one: a week to answer.
pub const NOTICE_DAYS: i64 = 7;

/// Queues the missing-address emails; returns how many were queued.
pub(crate) async fn remind(db: &Database, letters: &Arc<Letters>) -> Result<usize, ApiError> {
    let letters = Arc::clone(letters);
    db.run(move |conn| {
        let now = Utc::now().naive_utc();
        let cutoff_days = Duration::days(letters.settings().print_cutoff_days.max(0));
        let issues = due_dates::issues_published_between(
            conn,
            now + cutoff_days,
            now + cutoff_days + Duration::days(NOTICE_DAYS),
        )?;
        if issues.is_empty() {
            // Most sweeps: no cut-off is near, so nobody needs asking, and
            // the print readers (100,000 of them at a large magazine) are
            // not read at all.
            return Ok(0);
        }
        let mut list = Drawing::new(0, now.and_utc());
        mailing_list::print_candidates(conn, now, |c| list.consider(c))?;
        let entitled = list.finish().missing_address;
        let mut queued = 0;
        for issue in &issues {
            let cutoff = CutOff {
                issue: issue.number,
                title: &issue.title,
                at: issue.publication_date - cutoff_days,
            };
            for missing in &entitled {
                let sent = db::write_transaction(conn, |conn| {
                    let reader = readers::find(conn, &ReaderId::from_db(missing.reader_id.clone()))?;
                    if reader.shipping_address().is_some() {
                        return Ok(false);
                    }
                    notices::queue_print_address_missing(conn, &letters, &reader, &cutoff, now)
                });
                match sent {
                    Ok(true) => queued += 1,
                    Ok(false) => {}
                    Err(error) => {
                        tracing::warn!(reader = %missing.reader_id, issue = issue.number, %error, "a missing-address email could not be queued; the next sweep tries again");
                    }
                }
            }
        }
        Ok(queued)
    })
    .await
}
