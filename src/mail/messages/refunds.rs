//! The refund messages: money given back, and a reader's request received
//! and decided.

use super::To;
use crate::domain::Guarantee;
use crate::mail::Email;
use crate::mail::catalog::Message;
use crate::mail::format;
use crate::mail::letters::{Letters, Values};
use crate::site_url::SitePage;
use chrono::NaiveDateTime;

/// Money given back.
#[derive(Debug, Clone, Copy)]
pub struct Refunded<'a> {
    /// The reader.
    pub to: To<'a>,
    /// The tier's name.
    pub plan: &'a str,
    /// The total refunded, in minor units of `currency`.
    pub amount_cents: i64,
    /// The currency, lower-case.
    pub currency: &'a str,
    /// When access ended (the refund ends the subscription).
    pub access_ended: NaiveDateTime,
}

/// The refund went through: how much, and that access has ended.
pub fn refund_confirmed(letters: &Letters, refunded: &Refunded<'_>) -> Email {
    let values = Values::default()
        .text("name", refunded.to.name)
        .text("plan", refunded.plan)
        .text(
            "amount",
            format::amount(refunded.amount_cents, refunded.currency),
        )
        .text(
            "access_ended",
            format::instant(refunded.access_ended, refunded.to.zone),
        );
    letters.write(
        Message::RefundConfirmed,
        refunded.to.email,
        "Your refund is on its way",
        values,
    )
}

/// A reader's request for their money back.
#[derive(Debug, Clone, Copy)]
pub struct RefundRequest<'a> {
    /// The reader.
    pub to: To<'a>,
    /// The tier's name.
    pub plan: &'a str,
    /// Their words.
    pub reason: &'a str,
    /// The guarantee of the subscription.
    pub guarantee: Guarantee,
    /// When they asked.
    pub asked_at: NaiveDateTime,
}

/// The request reached support, and whether it is inside the guarantee.
pub fn refund_request_received(letters: &Letters, request: &RefundRequest<'_>) -> Email {
    let values = Values::default()
        .text("name", request.to.name)
        .text("plan", request.plan)
        .text("reason", request.reason)
        .text(
            "guarantee_ends",
            format::date(request.guarantee.ends.naive_utc(), request.to.zone),
        )
        .flag(
            "within_guarantee",
            request.guarantee.covers(request.asked_at.and_utc()),
        );
    letters.write(
        Message::RefundRequestReceived,
        request.to.email,
        "We received your refund request",
        values,
    )
}

/// What support decided.
#[derive(Debug, Clone, Copy)]
pub enum RefundDecision<'a> {
    /// Approved: the money goes back and access has ended.
    Approved {
        /// The total refunded, in minor units of `currency`.
        amount_cents: i64,
        /// The currency, lower-case.
        currency: &'a str,
        /// When access ended.
        access_ended: NaiveDateTime,
        /// Support's reason, as the reader may be told it.
        note: &'a str,
    },
    /// Denied with a note; the subscription goes on.
    Denied {
        /// Support's note to the reader.
        note: &'a str,
    },
}

/// The request was approved (the refund with it) or denied (with the note).
pub fn refund_request_decided(
    letters: &Letters,
    to: To<'_>,
    plan: &str,
    decision: RefundDecision<'_>,
) -> Email {
    match decision {
        RefundDecision::Approved {
            amount_cents,
            currency,
            access_ended,
            note,
        } => {
            let values = Values::default()
                .text("name", to.name)
                .text("plan", plan)
                .text("amount", format::amount(amount_cents, currency))
                .text("access_ended", format::instant(access_ended, to.zone))
                .text("note", note);
            letters.write(
                Message::RefundRequestApproved,
                to.email,
                "Your refund request was approved",
                values,
            )
        }
        RefundDecision::Denied { note } => {
            let values = Values::default()
                .text("name", to.name)
                .text("plan", plan)
                .text("note", note)
                .text("account_link", letters.link(SitePage::Account, &[]));
            letters.write(
                Message::RefundRequestDenied,
                to.email,
                "About your refund request",
                values,
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_letters::{ADA, at, letters};
    use super::*;

    #[test]
    fn a_refund_states_the_amount_and_the_end_of_access() {
        let email = refund_confirmed(
            &letters(),
            &Refunded {
                to: ADA,
                plan: "Digital",
                amount_cents: 1800,
                currency: "eur",
                access_ended: at("2026-12-03 09:00"),
            },
        );
        assert!(email.text.contains("18.00 EUR"), "{}", email.text);
        assert!(email.html.contains("3 December 2026, 09:00 UTC"));
    }

    #[test]
    fn requests_are_acknowledged_and_decided_with_the_note() {
        let letters = letters();
        let request = RefundRequest {
            to: ADA,
            plan: "Digital",
            reason: "Not for me <sorry>",
            guarantee: Guarantee::new(at("2026-12-01 00:00").and_utc(), 60),
            asked_at: at("2026-12-10 00:00"),
        };
        let received = refund_request_received(&letters, &request);
        assert!(received.text.contains("Not for me <sorry>"));
        assert!(received.html.contains("Not for me &lt;sorry&gt;"));
        assert!(received.text.contains("30 January 2027 (UTC)"));
        let denied = refund_request_decided(
            &letters,
            ADA,
            "Digital",
            RefundDecision::Denied {
                note: "Past the guarantee",
            },
        );
        assert!(denied.text.contains("Past the guarantee"));
        let approved = refund_request_decided(
            &letters,
            ADA,
            "Digital",
            RefundDecision::Approved {
                amount_cents: 900,
                currency: "usd",
                access_ended: at("2026-12-11 00:00"),
                note: "As asked",
            },
        );
        assert!(approved.text.contains("9.00 USD"));
        assert!(approved.text.contains("As asked"));
    }
}
