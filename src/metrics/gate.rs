//! The gate's decisions by resource and outcome. The gate is the hottest
//! path of the service, so every label set is created at start-up and a
//! decision is one atomic increment in a fixed array: no lock, no
//! allocation, no hashing.

use crate::domain::{AccessDecision, Denial};
use prometheus::{IntCounter, IntCounterVec, Opts, Registry};

/// What the gate decided about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GateResource {
    /// An article's full text (the article page and the access check).
    Article = 0,
    /// An article's audio.
    Audio = 1,
    /// An issue's digital edition.
    Edition = 2,
}

const RESOURCES: [&str; 3] = ["article", "audio", "edition"];

const OUTCOMES: [&str; 7] = [
    "granted",
    "login_required",
    "subscription_required",
    "perk_required",
    "subscription_expired",
    "payment_past_due",
    "metered",
];

fn outcome_index(decision: AccessDecision) -> usize {
    match decision {
        AccessDecision::Granted | AccessDecision::GiftLink => 0,
        AccessDecision::Denied(Denial::LoginRequired) => 1,
        AccessDecision::Denied(Denial::SubscriptionRequired) => 2,
        AccessDecision::Denied(Denial::PerkRequired(_)) => 3,
        AccessDecision::Denied(Denial::SubscriptionExpired) => 4,
        AccessDecision::Denied(Denial::PaymentPastDue) => 5,
        AccessDecision::Metered { .. } => 6,
    }
}

/// `masthead_gate_decisions_total{resource, outcome}`.
pub struct GateMetrics {
    decisions: [[IntCounter; OUTCOMES.len()]; RESOURCES.len()],
}

impl GateMetrics {
    pub(super) fn new(registry: &Registry) -> prometheus::Result<Self> {
        let family = IntCounterVec::new(
            Opts::new(
                "gate_decisions_total",
                "Decisions of the gate on a single resource, by resource and outcome (granted or the denial's reason code)",
            ),
            &["resource", "outcome"],
        )?;
        registry.register(Box::new(family.clone()))?;
        let decisions = std::array::from_fn(|resource| {
            std::array::from_fn(|outcome| {
                family.with_label_values(&[RESOURCES[resource], OUTCOMES[outcome]])
            })
        });
        Ok(Self { decisions })
    }

    /// Counts one decision and passes it on.
    pub fn count(&self, resource: GateResource, decision: AccessDecision) -> AccessDecision {
        self.decisions[resource as usize][outcome_index(decision)].inc();
        decision
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Perk;

    #[test]
    fn every_decision_has_its_own_counter() {
        let registry = Registry::new();
        let gate = GateMetrics::new(&registry).unwrap();
        gate.count(GateResource::Audio, AccessDecision::Granted);
        gate.count(
            GateResource::Edition,
            AccessDecision::Denied(Denial::PerkRequired(Perk::Archive)),
        );
        assert_eq!(gate.decisions[1][0].get(), 1);
        assert_eq!(gate.decisions[2][3].get(), 1);
        let total: u64 = gate.decisions.iter().flatten().map(IntCounter::get).sum();
        assert_eq!(total, 2);
    }
}
