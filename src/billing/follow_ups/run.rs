//! Running the due follow-ups: each claimed for one attempt (its next
//! attempt pushed past a lease, so a concurrent runner skips it), called
//! at Stripe with its own idempotency key, then marked done, retried later
//! with backoff when Stripe could not answer, or failed for staff when
//! Stripe refused it or after the last attempt.

use super::FollowUpKind;
use crate::billing::provider::IdempotencyKey;
use crate::billing::{Provider, ProviderError};
use crate::db::provider_follow_ups::{self, FollowUpRow};
use crate::db::{Database, provider_payments};
use chrono::{Duration, NaiveDateTime, Utc};

/// How long one attempt holds its claim.
const LEASE_SECONDS: i64 = 120;
/// Attempts before a follow-up is given up on (about five hours of
/// retries with the backoff below).
const MAX_ATTEMPTS: i32 = 16;
/// The longest wait between two attempts.
const MAX_BACKOFF_SECONDS: i64 = 3600;
/// Follow-ups taken per pass.
const BATCH: i64 = 50;

/// Why an attempt did not succeed.
enum Failure {
    /// Worth trying again later (Stripe unreachable, slow, overloaded).
    Retry(String),
    /// Trying again cannot help (Stripe refused; no Stripe configured).
    GiveUp(String),
}

impl From<ProviderError> for Failure {
    fn from(error: ProviderError) -> Self {
        match error {
            ProviderError::Unavailable(detail) => Self::Retry(detail),
            other => Self::GiveUp(other.to_string()),
        }
    }
}

impl From<crate::error::ApiError> for Failure {
    fn from(error: crate::error::ApiError) -> Self {
        Self::Retry(error.to_string())
    }
}

/// Runs every due follow-up once; returns how many succeeded.
pub async fn run_due(db: &Database, provider: &Provider) -> usize {
    let now = Utc::now().naive_utc();
    let due = match db
        .run(move |conn| Ok(provider_follow_ups::due(conn, now, BATCH)?))
        .await
    {
        Ok(due) => due,
        Err(error) => {
            tracing::warn!(%error, "cannot read the due stripe follow-ups; trying again later");
            return 0;
        }
    };
    let mut succeeded = 0;
    for row in due {
        let seen = row.clone();
        let lease = now + Duration::seconds(LEASE_SECONDS);
        let claimed = db
            .run(move |conn| Ok(provider_follow_ups::claim(conn, &seen, lease)?))
            .await
            .unwrap_or(false);
        if !claimed {
            continue;
        }
        let outcome = attempt(db, provider, &row).await;
        if outcome.is_ok() {
            succeeded += 1;
        }
        settle(db, &row, outcome).await;
    }
    succeeded
}

async fn attempt(db: &Database, provider: &Provider, row: &FollowUpRow) -> Result<(), Failure> {
    let Provider::Stripe(stripe) = provider else {
        return Err(Failure::GiveUp(
            "no Stripe secret key is configured (MASTHEAD_STRIPE_SECRET_KEY)".to_owned(),
        ));
    };
    let key = IdempotencyKey::follow_up(&row.id);
    match FollowUpKind::parse(&row.kind) {
        Some(FollowUpKind::LearnInvoicePayment) => {
            let ids = stripe.invoice_payment_ids(&row.target).await?;
            if ids.payment_intent.is_none() && ids.charge.is_none() {
                return Err(Failure::Retry(
                    "the invoice lists no payment yet".to_owned(),
                ));
            }
            let invoice = row.target.clone();
            db.run(move |conn| {
                if let Some(payment) = provider_payments::find_by_invoice(
                    conn,
                    crate::billing::StripeProvider::NAME,
                    &invoice,
                )? {
                    provider_payments::learn_ids(
                        conn,
                        &payment.id,
                        ids.payment_intent.as_deref(),
                        ids.charge.as_deref(),
                    )?;
                }
                Ok(())
            })
            .await?;
            Ok(())
        }
        Some(FollowUpKind::CancelSubscription) => {
            Ok(stripe.cancel_subscription_id(&row.target, &key).await?)
        }
        Some(FollowUpKind::PauseCollection) => {
            Ok(stripe.set_pause_collection(&row.target, true, &key).await?)
        }
        Some(FollowUpKind::ResumeCollection) => Ok(stripe
            .set_pause_collection(&row.target, false, &key)
            .await?),
        Some(FollowUpKind::RefundPayment) => refund_payment(db, stripe, row, &key).await,
        Some(FollowUpKind::EndTrial) => Ok(stripe.end_trial_now(&row.target, &key).await?),
        None => Err(Failure::GiveUp(format!(
            "follow-up kind {} is unknown to this release",
            row.kind
        ))),
    }
}

/// Refunds what is left of payment `row.target` at Stripe (once: the
/// follow-up's id is the key) and records the refund with actor `provider:stripe`;
/// a payment refunded in full meanwhile needs nothing.
async fn refund_payment(
    db: &Database,
    stripe: &crate::billing::StripeProvider,
    row: &FollowUpRow,
    key: &IdempotencyKey,
) -> Result<(), Failure> {
    let id = row.target.clone();
    let payment = db
        .run(move |conn| Ok(provider_payments::find(conn, &id)?))
        .await?;
    let left = payment.amount_cents - payment.refunded_cents;
    if left <= 0 {
        return Ok(());
    }
    let refund = stripe.refund(&payment, left, key).await?;
    crate::billing::refund::record_as(
        db,
        &payment,
        refund,
        crate::billing::provider::stripe::actor(),
        row.reason.clone(),
    )
    .await?;
    Ok(())
}

/// The wait before attempt `attempts + 1`: 1 s, 2 s, 4 s, ... up to an hour.
fn backoff(attempts: i32) -> Duration {
    let exponent = u32::try_from(attempts.clamp(1, 20) - 1).unwrap_or(0);
    Duration::seconds(2_i64.pow(exponent).min(MAX_BACKOFF_SECONDS))
}

async fn settle(db: &Database, row: &FollowUpRow, outcome: Result<(), Failure>) {
    let id = row.id.clone();
    let attempts = row.attempts + 1;
    let result = db
        .run(move |conn| {
            let now: NaiveDateTime = Utc::now().naive_utc();
            match outcome {
                Ok(()) => {
                    tracing::info!(follow_up = %id, "stripe follow-up done");
                    provider_follow_ups::done(conn, &id, now)?;
                }
                Err(Failure::Retry(error)) if attempts < MAX_ATTEMPTS => {
                    tracing::warn!(follow_up = %id, attempts, %error, "stripe follow-up failed; retried later");
                    let at = now + backoff(attempts);
                    provider_follow_ups::attempt_failed(conn, &id, &error, Some(at), now)?;
                    super::job::queue_run(conn, &id, attempts, at)?;
                }
                Err(Failure::Retry(error) | Failure::GiveUp(error)) => {
                    tracing::error!(follow_up = %id, attempts, %error, "stripe follow-up given up; needs staff");
                    provider_follow_ups::attempt_failed(conn, &id, &error, None, now)?;
                }
            }
            Ok(())
        })
        .await;
    if let Err(error) = result {
        tracing::warn!(%error, follow_up = %row.id, "cannot record a stripe follow-up's outcome; its lease expires and it runs again");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_an_hour() {
        assert_eq!(backoff(1), Duration::seconds(1));
        assert_eq!(backoff(2), Duration::seconds(2));
        assert_eq!(backoff(5), Duration::seconds(16));
        assert_eq!(backoff(15), Duration::seconds(3600));
    }
}
