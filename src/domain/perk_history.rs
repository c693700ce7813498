//! Looking back: did a subscription grant a perk at a past instant? The
//! print mailing list asks it at an issue's cut-off, which may lie before a
//! refund or an expiry that has happened since. The gate's
//! [`SubscriptionSnapshot::grants_access`] answers for the subscription as
//! it is now; this answers for the subscription as it was then.

use super::{Perk, PerkStatus, SubscriptionSnapshot, SubscriptionState};
use chrono::{DateTime, Utc};

/// Whether `subscription` (as stored now, `ended_at` when it has ended)
/// granted `perk` at `at`.
///
/// - It must have started by `at`, and not have ended by then.
/// - The perk must be `live` on its tier: a `coming_soon` perk grants
///   nothing (its status then is not recorded; today's is used).
/// - A subscription still running is judged by the gate's rule at `at`.
/// - One that has ended since (`expired`, `refunded`) granted access up to
///   its end if it was paid or comped for that instant: `at` falls before
///   its paid period's end, its grace window's end or its comp's end. One
///   that never had any of these (a checkout abandoned, then expired) never
///   granted anything.
pub fn granted_perk_at(
    subscription: &SubscriptionSnapshot,
    ended_at: Option<DateTime<Utc>>,
    perk: Perk,
    at: DateTime<Utc>,
) -> bool {
    let live = subscription
        .perks
        .iter()
        .any(|(p, status)| *p == perk && *status == PerkStatus::Live);
    if !live || subscription.started_at > at || ended_at.is_some_and(|end| end <= at) {
        return false;
    }
    match subscription.state {
        SubscriptionState::Expired | SubscriptionState::Refunded => [
            subscription.current_period_end,
            subscription.grace_ends_at,
            subscription.comped_until,
        ]
        .into_iter()
        .flatten()
        .any(|end| at < end),
        _ => subscription.grants_access(at),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;

    fn at() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2027-03-01T00:00:00Z")
            .unwrap()
            .with_timezone(&Utc)
    }

    fn print(state: SubscriptionState, status: PerkStatus) -> SubscriptionSnapshot {
        SubscriptionSnapshot {
            state,
            perks: vec![
                (Perk::DigitalEdition, PerkStatus::Live),
                (Perk::PrintEdition, status),
            ],
            current_period_end: Some(at() + Duration::days(20)),
            grace_ends_at: None,
            comped_until: None,
            started_at: at() - Duration::days(10),
        }
    }

    fn live(state: SubscriptionState) -> SubscriptionSnapshot {
        print(state, PerkStatus::Live)
    }

    #[test]
    fn a_running_print_subscription_grants_print() {
        assert!(granted_perk_at(
            &live(SubscriptionState::Active),
            None,
            Perk::PrintEdition,
            at()
        ));
        assert!(granted_perk_at(
            &live(SubscriptionState::Canceling),
            None,
            Perk::PrintEdition,
            at()
        ));
    }

    #[test]
    fn a_coming_soon_or_missing_perk_grants_nothing() {
        let soon = print(SubscriptionState::Active, PerkStatus::ComingSoon);
        assert!(!granted_perk_at(&soon, None, Perk::PrintEdition, at()));
        assert!(!granted_perk_at(
            &live(SubscriptionState::Active),
            None,
            Perk::AdFree,
            at()
        ));
    }

    #[test]
    fn a_subscription_started_after_the_instant_does_not_count() {
        let mut later = live(SubscriptionState::Active);
        later.started_at = at() + Duration::seconds(1);
        assert!(!granted_perk_at(&later, None, Perk::PrintEdition, at()));
        later.started_at = at();
        assert!(granted_perk_at(&later, None, Perk::PrintEdition, at()));
    }

    #[test]
    fn one_ended_since_counts_if_it_was_paid_for_the_instant() {
        let ended = Some(at() + Duration::days(3));
        for state in [SubscriptionState::Refunded, SubscriptionState::Expired] {
            assert!(granted_perk_at(
                &live(state),
                ended,
                Perk::PrintEdition,
                at()
            ));
        }
        let mut lapsed = live(SubscriptionState::Expired);
        lapsed.current_period_end = Some(at() - Duration::days(2));
        lapsed.grace_ends_at = Some(at() + Duration::days(1));
        assert!(granted_perk_at(&lapsed, ended, Perk::PrintEdition, at()));
    }

    #[test]
    fn one_ended_before_the_instant_does_not_count() {
        let ended = Some(at() - Duration::days(1));
        assert!(!granted_perk_at(
            &live(SubscriptionState::Refunded),
            ended,
            Perk::PrintEdition,
            at()
        ));
        assert!(!granted_perk_at(
            &live(SubscriptionState::Expired),
            Some(at()),
            Perk::PrintEdition,
            at()
        ));
        let mut lapsed = live(SubscriptionState::Expired);
        lapsed.current_period_end = Some(at() - Duration::days(1));
        assert!(!granted_perk_at(&lapsed, None, Perk::PrintEdition, at()));
    }

    #[test]
    fn an_abandoned_checkout_never_granted_anything() {
        let mut abandoned = live(SubscriptionState::Expired);
        abandoned.current_period_end = None;
        let ended = Some(at() + Duration::days(1));
        assert!(!granted_perk_at(
            &abandoned,
            ended,
            Perk::PrintEdition,
            at()
        ));
        let mut incomplete = live(SubscriptionState::Incomplete);
        incomplete.current_period_end = None;
        assert!(!granted_perk_at(
            &incomplete,
            None,
            Perk::PrintEdition,
            at()
        ));
    }

    #[test]
    fn comps_and_grace_windows_are_bounded_by_their_dates() {
        let mut comp = live(SubscriptionState::Comped);
        comp.comped_until = Some(at() + Duration::days(1));
        assert!(granted_perk_at(&comp, None, Perk::PrintEdition, at()));
        comp.comped_until = Some(at());
        assert!(!granted_perk_at(&comp, None, Perk::PrintEdition, at()));
        let mut past_due = live(SubscriptionState::PastDue);
        past_due.grace_ends_at = Some(at() - Duration::hours(1));
        assert!(!granted_perk_at(&past_due, None, Perk::PrintEdition, at()));
    }
}
