//! Stripe events by type and outcome. Types come from signed events, so
//! only Stripe chooses them (a catalogue of a few hundred); anything that
//! does not look like one is counted as `other`.

use prometheus::{IntCounterVec, Opts, Registry};

/// What became of a delivery.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WebhookOutcome {
    /// First delivery, acted on.
    Applied,
    /// Delivered before: nothing changed.
    Duplicate,
    /// Recorded, but a type Masthead does not act on.
    Ignored,
    /// Refused before reading it: no secret configured, bad or stale
    /// signature, not an event.
    Rejected,
    /// Failed on our side and rolled back: Stripe delivers it again.
    Failed,
}

impl WebhookOutcome {
    fn label(self) -> &'static str {
        match self {
            Self::Applied => "applied",
            Self::Duplicate => "duplicate",
            Self::Ignored => "ignored",
            Self::Rejected => "rejected",
            Self::Failed => "failed",
        }
    }
}

/// The type label of a rejected delivery, whose type is not known.
const UNKNOWN: &str = "unknown";

/// `masthead_webhook_events_total{type, outcome}`.
pub struct WebhookMetrics {
    events: IntCounterVec,
}

impl WebhookMetrics {
    pub(super) fn new(registry: &Registry) -> prometheus::Result<Self> {
        let events = IntCounterVec::new(
            Opts::new(
                "webhook_events_total",
                "Stripe webhook deliveries by event type and outcome (applied, duplicate, ignored, rejected, failed)",
            ),
            &["type", "outcome"],
        )?;
        registry.register(Box::new(events.clone()))?;
        // Shown from the start, so an alert on rejected deliveries has a
        // series to watch before the first one.
        events.with_label_values(&[UNKNOWN, WebhookOutcome::Rejected.label()]);
        Ok(Self { events })
    }

    /// Counts one delivery; `kind` is `None` when it was rejected unread.
    pub fn observe(&self, kind: Option<&str>, outcome: WebhookOutcome) {
        let kind = kind.map_or(UNKNOWN, type_label);
        self.events
            .with_label_values(&[kind, outcome.label()])
            .inc();
    }
}

fn type_label(kind: &str) -> &str {
    let plausible = !kind.is_empty()
        && kind.len() <= 64
        && kind
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'.' || b == b'_');
    if plausible { kind } else { "other" }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plausible_types_become_labels() {
        assert_eq!(type_label("invoice.paid"), "invoice.paid");
        assert_eq!(type_label("Invoice Paid"), "other");
        assert_eq!(type_label(&"a".repeat(65)), "other");
        assert_eq!(type_label(""), "other");
    }
}
