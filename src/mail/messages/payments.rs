//! The money messages: a receipt for each payment, a payment that failed,
//! a subscription that will end.

use super::To;
use crate::domain::Guarantee;
use crate::mail::Email;
use crate::mail::catalog::Message;
use crate::mail::format;
use crate::mail::letters::{Letters, Values};
use crate::site_url::SitePage;
use chrono::NaiveDateTime;

/// One payment received.
#[derive(Debug, Clone, Copy)]
pub struct Receipt<'a> {
    /// The payer.
    pub to: To<'a>,
    /// The tier's name.
    pub plan: &'a str,
    /// The receipt's number (the provider's invoice number, or the
    /// development provider's own sequence).
    pub number: &'a str,
    /// What was taken, in minor units of `currency`.
    pub amount_cents: i64,
    /// The currency, lower-case.
    pub currency: &'a str,
    /// When.
    pub paid_at: NaiveDateTime,
    /// The period it pays for (start, end).
    pub period: (NaiveDateTime, NaiveDateTime),
    /// Whether the subscription renews at the period's end.
    pub renews: bool,
    /// The money-back guarantee, from the first payment.
    pub guarantee: Guarantee,
    /// The provider's page of the invoice (Stripe's hosted invoice, with
    /// its PDF), when known.
    pub invoice_url: Option<&'a str>,
}

/// A receipt: amount, period, next renewal, the guarantee's end.
pub fn receipt(letters: &Letters, receipt: &Receipt<'_>) -> Email {
    let (start, end) = receipt.period;
    let values = Values::default()
        .text("name", receipt.to.name)
        .text("plan", receipt.plan)
        .text("receipt_number", receipt.number)
        .text(
            "amount",
            format::amount(receipt.amount_cents, receipt.currency),
        )
        .text("paid_on", format::instant(receipt.paid_at, receipt.to.zone))
        .text("period", format::period(start, end, receipt.to.zone))
        .text("next_renewal", format::date(end, receipt.to.zone))
        .flag("renews", receipt.renews)
        .text(
            "guarantee_ends",
            format::date(receipt.guarantee.ends.naive_utc(), receipt.to.zone),
        )
        .flag(
            "guarantee_open",
            receipt.guarantee.covers(receipt.paid_at.and_utc()),
        )
        .text("invoice_url", receipt.invoice_url.unwrap_or_default())
        .text("account_link", letters.link(SitePage::Account, &[]));
    let subject = format!("Your receipt {}", receipt.number);
    letters.write(Message::PaymentReceipt, receipt.to.email, &subject, values)
}

/// A renewal the provider could not charge.
#[derive(Debug, Clone, Copy)]
pub struct PaymentFailed<'a> {
    /// The payer.
    pub to: To<'a>,
    /// The tier's name.
    pub plan: &'a str,
    /// What was due, in minor units of `currency`.
    pub amount_cents: i64,
    /// The currency, lower-case.
    pub currency: &'a str,
    /// Where the reader fixes it: the invoice's hosted page (a new card,
    /// 3-D Secure), else their account page (the billing portal).
    pub action_link: Option<&'a str>,
    /// Until when access continues (the grace window's end), when known.
    pub access_until: Option<NaiveDateTime>,
}

/// The payment failed: what was due, the link that fixes it, how long
/// access lasts meanwhile.
pub fn payment_failed(letters: &Letters, failed: &PaymentFailed<'_>) -> Email {
    let action = failed
        .action_link
        .map_or_else(|| letters.link(SitePage::Account, &[]), str::to_owned);
    let values = Values::default()
        .text("name", failed.to.name)
        .text("plan", failed.plan)
        .text(
            "amount",
            format::amount(failed.amount_cents, failed.currency),
        )
        .text("action_link", action)
        .text(
            "access_until",
            failed
                .access_until
                .map(|at| format::instant(at, failed.to.zone))
                .unwrap_or_default(),
        );
    letters.write(
        Message::PaymentFailed,
        failed.to.email,
        "Your payment did not go through",
        values,
    )
}

/// A subscription set to end, or ended now.
#[derive(Debug, Clone, Copy)]
pub struct Canceled<'a> {
    /// The subscriber.
    pub to: To<'a>,
    /// The tier's name.
    pub plan: &'a str,
    /// When access ends (the period's end; now for an immediate end).
    pub access_until: NaiveDateTime,
    /// Whether resuming is possible (it ends at the period end, which is
    /// still ahead), rather than subscribing again.
    pub can_resume: bool,
}

/// The subscription will end: until when, and how to resume.
pub fn subscription_canceled(letters: &Letters, canceled: &Canceled<'_>) -> Email {
    let values = Values::default()
        .text("name", canceled.to.name)
        .text("plan", canceled.plan)
        .text(
            "access_until",
            format::instant(canceled.access_until, canceled.to.zone),
        )
        .flag("can_resume", canceled.can_resume)
        .text("account_link", letters.link(SitePage::Account, &[]));
    letters.write(
        Message::SubscriptionCanceled,
        canceled.to.email,
        "Your subscription has been canceled",
        values,
    )
}

#[cfg(test)]
mod tests {
    use super::super::test_letters::{ADA, at, letters};
    use super::*;
    use chrono::{DateTime, Utc};

    fn paid(first: &str, window_days: i64) -> Guarantee {
        let first: DateTime<Utc> = at(first).and_utc();
        Guarantee::new(first, window_days)
    }

    #[test]
    fn a_receipt_states_amount_period_renewal_and_guarantee() {
        let email = receipt(
            &letters(),
            &Receipt {
                to: ADA,
                plan: "Digital",
                number: "DEV-000007",
                amount_cents: 900,
                currency: "usd",
                paid_at: at("2026-12-01 17:35"),
                period: (at("2026-12-01 17:35"), at("2027-01-01 17:35")),
                renews: true,
                guarantee: paid("2026-12-01 17:35", 60),
                invoice_url: None,
            },
        );
        assert_eq!(email.subject, "Your receipt DEV-000007");
        for body in [&email.text, &email.html] {
            for expected in [
                "9.00 USD",
                "DEV-000007",
                "1 December 2026 to 1 January 2027 (UTC)",
                "1 January 2027 (UTC)",
                "30 January 2027 (UTC)",
                "https://magazine.example/account",
            ] {
                assert!(body.contains(expected), "{expected}: {body}");
            }
        }
    }

    #[test]
    fn a_failed_payment_links_to_the_invoice_or_the_account() {
        let failed = PaymentFailed {
            to: ADA,
            plan: "Digital",
            amount_cents: 900,
            currency: "usd",
            action_link: Some("https://invoice.stripe.test/i/in_1"),
            access_until: Some(at("2026-12-08 17:35")),
        };
        let email = payment_failed(&letters(), &failed);
        assert!(email.text.contains("https://invoice.stripe.test/i/in_1"));
        assert!(email.text.contains("8 December 2026, 17:35 UTC"));
        let email = payment_failed(
            &letters(),
            &PaymentFailed {
                action_link: None,
                ..failed
            },
        );
        assert!(
            email
                .html
                .contains(r#"href="https://magazine.example/account""#)
        );
    }

    #[test]
    fn a_cancellation_says_until_when_and_how_to_resume() {
        let canceled = Canceled {
            to: ADA,
            plan: "Digital",
            access_until: at("2027-01-01 17:35"),
            can_resume: true,
        };
        let email = subscription_canceled(&letters(), &canceled);
        assert!(email.text.contains("1 January 2027, 17:35 UTC"));
        assert!(email.text.contains("Resume"));
        let ended = subscription_canceled(
            &letters(),
            &Canceled {
                can_resume: false,
                ..canceled
            },
        );
        assert!(!ended.text.contains("Resume"), "{}", ended.text);
    }
}
