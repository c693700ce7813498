//! The messages that come ahead of a date: an annual renewal (the price
//! and how to cancel, which automatic-renewal laws ask for), a trial's
//! end, a comp granted and ending, and a print subscriber without an
//! address before an issue's cut-off.

use super::To;
use crate::mail::Email;
use crate::mail::catalog::Message;
use crate::mail::format;
use crate::mail::letters::{Letters, Values};
use crate::site_url::SitePage;
use chrono::NaiveDateTime;

/// An annual subscription about to renew.
#[derive(Debug, Clone, Copy)]
pub struct Renewal<'a> {
    /// The subscriber.
    pub to: To<'a>,
    /// The tier's name.
    pub plan: &'a str,
    /// When it renews (the period's end).
    pub renews_at: NaiveDateTime,
    /// What will be charged: the tier's yearly price now, in minor units.
    pub amount_cents: i64,
    /// Its currency, lower-case.
    pub currency: &'a str,
}

/// The renewal reminder: the date, the price, and where to cancel.
pub fn renewal_reminder(letters: &Letters, renewal: &Renewal<'_>) -> Email {
    let values = Values::default()
        .text("name", renewal.to.name)
        .text("plan", renewal.plan)
        .text(
            "renews_on",
            format::date(renewal.renews_at, renewal.to.zone),
        )
        .text(
            "amount",
            format::amount(renewal.amount_cents, renewal.currency),
        )
        .text("account_link", letters.link(SitePage::Account, &[]));
    let subject = format!(
        "Your subscription renews on {}",
        format::date(renewal.renews_at, renewal.to.zone)
    );
    letters.write(Message::RenewalReminder, renewal.to.email, &subject, values)
}

/// A trial about to end.
#[derive(Debug, Clone, Copy)]
pub struct TrialEnd<'a> {
    /// The reader on trial.
    pub to: To<'a>,
    /// The tier's name.
    pub plan: &'a str,
    /// When the trial ends and the first payment is taken.
    pub ends_at: NaiveDateTime,
    /// The first payment (the tier's price for the subscription's
    /// interval), when known: minor units and currency.
    pub price: Option<(i64, &'a str)>,
}

/// The trial ends: when, what is charged then, where to cancel.
pub fn trial_ending(letters: &Letters, trial: &TrialEnd<'_>) -> Email {
    let amount = trial
        .price
        .map(|(cents, currency)| format::amount(cents, currency));
    let values = Values::default()
        .text("name", trial.to.name)
        .text("plan", trial.plan)
        .text("trial_ends", format::instant(trial.ends_at, trial.to.zone))
        .text("amount", amount.unwrap_or_default())
        .text("account_link", letters.link(SitePage::Account, &[]));
    letters.write(
        Message::TrialEnding,
        trial.to.email,
        "Your free trial ends soon",
        values,
    )
}

/// A complimentary subscription: granted, or ending soon.
#[derive(Debug, Clone, Copy)]
pub struct Comp<'a> {
    /// The reader.
    pub to: To<'a>,
    /// The tier's name.
    pub plan: &'a str,
    /// When the comp ends.
    pub until: NaiveDateTime,
}

/// Staff granted a comp: what, until when.
pub fn comp_granted(letters: &Letters, comp: &Comp<'_>) -> Email {
    let values = Values::default()
        .text("name", comp.to.name)
        .text("plan", comp.plan)
        .text("until", format::instant(comp.until, comp.to.zone))
        .text("account_link", letters.link(SitePage::Account, &[]));
    let subject = format!("You have been given a {} subscription", comp.plan);
    letters.write(Message::CompGranted, comp.to.email, &subject, values)
}

/// A comp ends soon: when, and how to keep reading.
pub fn comp_ending(letters: &Letters, comp: &Comp<'_>) -> Email {
    let values = Values::default()
        .text("name", comp.to.name)
        .text("plan", comp.plan)
        .text("ends_on", format::instant(comp.until, comp.to.zone))
        .text("account_link", letters.link(SitePage::Account, &[]));
    letters.write(
        Message::CompEnding,
        comp.to.email,
        "Your complimentary subscription ends soon",
        values,
    )
}

/// A print subscriber without a shipping address, before an issue's
/// mailing list is drawn up.
#[derive(Debug, Clone, Copy)]
pub struct AddressMissing<'a> {
    /// The reader.
    pub to: To<'a>,
    /// The issue's number.
    pub issue: i32,
    /// Its title.
    pub issue_title: &'a str,
    /// Its cut-off: the address must be in by then.
    pub cutoff: NaiveDateTime,
}

/// Add an address by the cut-off to get the issue in the post.
pub fn print_address_missing(letters: &Letters, missing: &AddressMissing<'_>) -> Email {
    let values = Values::default()
        .text("name", missing.to.name)
        .text("issue", missing.issue.to_string())
        .text("issue_title", missing.issue_title)
        .text("add_by", format::instant(missing.cutoff, missing.to.zone))
        .text("account_link", letters.link(SitePage::Account, &[]));
    let subject = format!(
        "Add your address to receive issue {} in print",
        missing.issue
    );
    letters.write(
        Message::PrintAddressMissing,
        missing.to.email,
        &subject,
        values,
    )
}

#[cfg(test)]
mod tests {
    use super::super::test_letters::{ADA, at, letters};
    use super::*;

    fn contains_all(email: &Email, expected: &[&str]) {
        for body in [&email.text, &email.html] {
            for part in expected {
                assert!(body.contains(part), "{part}: {body}");
            }
        }
    }

    #[test]
    fn a_renewal_reminder_states_the_date_the_price_and_how_to_cancel() {
        let email = renewal_reminder(
            &letters(),
            &Renewal {
                to: ADA,
                plan: "Print",
                renews_at: at("2027-01-31 12:00"),
                amount_cents: 12_000,
                currency: "usd",
            },
        );
        assert_eq!(
            email.subject,
            "Your subscription renews on 31 January 2027 (UTC)"
        );
        contains_all(
            &email,
            &[
                "31 January 2027 (UTC)",
                "120.00 USD",
                "Print",
                "cancel",
                "https://magazine.example/account",
            ],
        );
    }

    #[test]
    fn a_trial_ending_says_when_and_what_is_charged_then() {
        let trial = TrialEnd {
            to: ADA,
            plan: "Digital",
            ends_at: at("2026-12-04 17:35"),
            price: Some((900, "usd")),
        };
        let email = trial_ending(&letters(), &trial);
        contains_all(
            &email,
            &["4 December 2026, 17:35 UTC", "9.00 USD", "/account"],
        );
        let unpriced = trial_ending(
            &letters(),
            &TrialEnd {
                price: None,
                ..trial
            },
        );
        assert!(!unpriced.text.contains("USD"), "{}", unpriced.text);
    }

    #[test]
    fn a_comp_granted_and_ending_name_its_end() {
        let comp = Comp {
            to: ADA,
            plan: "Digital",
            until: at("2027-01-01 17:35"),
        };
        let granted = comp_granted(&letters(), &comp);
        assert_eq!(
            granted.subject,
            "You have been given a Digital subscription"
        );
        contains_all(&granted, &["1 January 2027, 17:35 UTC", "/account"]);
        let ending = comp_ending(&letters(), &comp);
        contains_all(&ending, &["1 January 2027, 17:35 UTC", "/account"]);
    }

    #[test]
    fn a_missing_address_says_by_when_and_where_to_add_it() {
        let email = print_address_missing(
            &letters(),
            &AddressMissing {
                to: ADA,
                issue: 42,
                issue_title: "Winter <Special>",
                cutoff: at("2027-01-01 09:00"),
            },
        );
        assert_eq!(
            email.subject,
            "Add your address to receive issue 42 in print"
        );
        contains_all(
            &email,
            &[
                "1 January 2027, 09:00 UTC",
                "https://magazine.example/account",
            ],
        );
        assert!(
            email.html.contains("Winter &lt;Special&gt;"),
            "{}",
            email.html
        );
    }
}
