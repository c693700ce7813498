//! One free trial per payment card, where Stripe tells us the card: a
//! PaymentMethod's `card.fingerprint` is the same for every copy of one
//! card number (<https://docs.stripe.com/api/payment_methods/object#payment_method_object-card-fingerprint>),
//! and `payment_method.attached` carries the whole PaymentMethod when a
//! card is saved to a customer — which Checkout does for every
//! subscription, trials included.
//!
//! Among the readers whose trials were paid for by one card, the first
//! trial (by when it was marked; ties by reader id, so every instance
//! agrees) is the card's one trial; every later one still running is
//! ended at once at Stripe (`trial_end=now`, a follow-up after the event
//! is answered), which invoices the first payment then; Stripe's
//! `customer.subscription.updated` and `invoice.paid` that follow move the
//! subscription from `trialing` to `active` as at any trial's end.
//!
//! Checked whenever either half becomes known, in whichever order Stripe
//! sends them: a card seen (for every trial on that card, since the card
//! may be the missing link between two trials marked earlier) and a trial
//! marked (for each card of that reader).

use crate::billing::follow_ups::{self, FollowUp, FollowUpKind};
use crate::billing::provider::StripeProvider;
use crate::db::{DbConnection, reader_cards, subscriptions};
use crate::domain::{ReaderId, SubscriptionState};
use crate::error::ApiError;
use chrono::NaiveDateTime;

/// What the event that taught us a card or a trial is, for the follow-up.
pub(in crate::billing) struct Cause<'a> {
    /// The event's id (`evt_...`).
    pub event: &'a str,
    /// Its type and id, for staff.
    pub reason: &'a str,
    pub now: NaiveDateTime,
}

/// Remembers that `reader` pays with card `fingerprint`, then ends every
/// later trial on that card.
pub(in crate::billing) fn card_seen(
    conn: &mut DbConnection,
    reader: &ReaderId,
    fingerprint: &str,
    cause: &Cause<'_>,
) -> Result<(), ApiError> {
    reader_cards::remember(conn, reader, fingerprint, cause.now)?;
    end_later_trials_on(conn, fingerprint, cause)
}

/// After `reader`'s trial is marked: ends it if one of their cards had an
/// earlier trial (or ends the later trials of others it precedes).
pub(in crate::billing) fn trial_marked(
    conn: &mut DbConnection,
    reader: &ReaderId,
    cause: &Cause<'_>,
) -> Result<(), ApiError> {
    for fingerprint in reader_cards::fingerprints_of(conn, reader)? {
        end_later_trials_on(conn, &fingerprint, cause)?;
    }
    Ok(())
}

fn end_later_trials_on(
    conn: &mut DbConnection,
    fingerprint: &str,
    cause: &Cause<'_>,
) -> Result<(), ApiError> {
    let trials = reader_cards::trials_on_card(conn, fingerprint)?;
    for reader in repeats(&trials) {
        end_running_trial(conn, &ReaderId::from_db(reader.to_owned()), cause)?;
    }
    Ok(())
}

/// The readers of `trials` (first trial first) past the card's first.
fn repeats<T>(trials: &[(String, T)]) -> impl Iterator<Item = &str> {
    trials.iter().skip(1).map(|(reader, _)| reader.as_str())
}

/// Queues `trial_end=now` for `reader`'s Stripe subscription still in its
/// trial, once per subscription however many events find it.
fn end_running_trial(
    conn: &mut DbConnection,
    reader: &ReaderId,
    cause: &Cause<'_>,
) -> Result<(), ApiError> {
    let running = subscriptions::for_reader(conn, reader)?
        .into_iter()
        .filter(|row| row.state() == Some(SubscriptionState::Trialing))
        .filter(|row| row.provider.as_deref() == Some(StripeProvider::NAME));
    for row in running {
        let Some(stripe_subscription) = row.provider_subscription_id.as_deref() else {
            continue;
        };
        tracing::warn!(reader = %reader, subscription = %row.id, "a second free trial on one card; ending it now");
        let id = format!("end_trial:{stripe_subscription}");
        follow_ups::queue_as(
            conn,
            &id,
            &FollowUp {
                event: cause.event,
                kind: FollowUpKind::EndTrial,
                target: stripe_subscription,
                subscription: Some(&row.id),
                reason: cause.reason,
            },
            cause.now,
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::repeats;

    #[test]
    fn every_trial_after_the_cards_first_is_a_repeat() {
        let trials = [
            ("first".to_owned(), 1),
            ("second".to_owned(), 2),
            ("third".to_owned(), 3),
        ];
        assert_eq!(repeats(&trials).collect::<Vec<_>>(), ["second", "third"]);
        assert_eq!(
            repeats(&trials[..1]).count(),
            0,
            "one trial on a card is its one"
        );
        assert_eq!(repeats::<i32>(&[]).count(), 0);
    }
}
