//! The `deliver_gift` handler: on the delivery date the buyer chose, a
//! paid gift gets its redemption token and its email to the recipient,
//! in one transaction. The token is made here, not at purchase, because
//! only its hash is kept: the email that carries it is the only copy.
//! Marking the gift delivered is conditional (still `paid`, not yet
//! delivered), so a job run twice mails one link, and a gift refunded
//! before its date is never announced.

use super::complete::Delivery;
use super::{facts, plan_name};
use crate::db::{self, Database, gifts, jobs::JobRow};
use crate::domain::GiftId;
use crate::jobs::{HandlerFuture, JobError, JobHandler, JobSuccess};
use crate::mail::{Letters, messages};
use std::sync::Arc;

/// The handler of `deliver_gift` jobs.
pub struct DeliverGift {
    db: Database,
    letters: Arc<Letters>,
}

impl DeliverGift {
    /// Delivers through `db`, writing with `letters`.
    pub fn new(db: &Database, letters: &Arc<Letters>) -> Self {
        Self {
            db: db.clone(),
            letters: Arc::clone(letters),
        }
    }
}

impl JobHandler for DeliverGift {
    fn run<'a>(&'a self, job: &'a JobRow) -> HandlerFuture<'a> {
        Box::pin(async move {
            let delivery: Delivery = serde_json::from_str(&job.payload)
                .map_err(|error| JobError::Permanent(format!("unreadable delivery: {error}")))?;
            let id = GiftId::parse(&delivery.gift)
                .ok_or_else(|| JobError::Permanent("not a gift id".to_owned()))?;
            let letters = Arc::clone(&self.letters);
            let delivered = self
                .db
                .run(move |conn| {
                    db::write_transaction(conn, |conn| {
                        let now = chrono::Utc::now().naive_utc();
                        let Some(gift) = gifts::find(conn, &id)? else {
                            return Ok(false);
                        };
                        let (token, hash) = crate::auth::new_gift_link_token();
                        if !gifts::mark_delivered(conn, &id, &hash, now)? {
                            return Ok(false);
                        }
                        let plan = plan_name(conn, &gift)?;
                        let email = messages::gift_delivered(
                            &letters,
                            &facts(&gift, &plan),
                            gift.message.as_deref(),
                            &token,
                        );
                        crate::jobs::queue_email(conn, &email)?;
                        Ok(true)
                    })
                })
                .await
                .map_err(|error| JobError::Retry(error.to_string()))?;
            tracing::info!(gift = %delivery.gift, delivered, "gift delivery done");
            Ok(JobSuccess::default())
        })
    }
}
