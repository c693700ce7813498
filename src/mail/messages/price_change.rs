//! The notice of a new price: required before an automatic renewal is
//! charged more (so always sent, with no unsubscribe), with the old and
//! new price, the renewal it applies from and how to cancel.

use super::To;
use crate::mail::Email;
use crate::mail::catalog::Message;
use crate::mail::format;
use crate::mail::letters::{Letters, Values};
use crate::site_url::SitePage;
use chrono::NaiveDateTime;

/// A subscriber's move to a new price.
#[derive(Debug, Clone, Copy)]
pub struct PriceChange<'a> {
    /// The subscriber.
    pub to: To<'a>,
    /// The tier's name.
    pub plan: &'a str,
    /// `month` or `year`.
    pub interval: &'a str,
    /// The price paid now, in minor units.
    pub old_cents: i64,
    /// The price from `applies_at`, in minor units.
    pub new_cents: i64,
    /// The currency of both, lower-case.
    pub currency: &'a str,
    /// The first renewal charged the new price.
    pub applies_at: NaiveDateTime,
}

/// The price-change notice.
pub fn price_change(letters: &Letters, change: &PriceChange<'_>) -> Email {
    let applies_on = format::date(change.applies_at, change.to.zone);
    let values = Values::default()
        .text("name", change.to.name)
        .text("plan", change.plan)
        .text(
            "old_amount",
            format::amount(change.old_cents, change.currency),
        )
        .text(
            "new_amount",
            format::amount(change.new_cents, change.currency),
        )
        .text("interval", change.interval)
        .text("applies_on", applies_on.clone())
        .text("account_link", letters.link(SitePage::Account, &[]));
    let subject = format!("The price of your subscription changes on {applies_on}");
    letters.write(Message::PriceChange, change.to.email, &subject, values)
}

#[cfg(test)]
mod tests {
    use super::super::test_letters::{ADA, at, letters};
    use super::*;

    #[test]
    fn a_price_change_states_both_prices_the_date_and_how_to_cancel() {
        let email = price_change(
            &letters(),
            &PriceChange {
                to: ADA,
                plan: "Digital",
                interval: "month",
                old_cents: 900,
                new_cents: 1_200,
                currency: "usd",
                applies_at: at("2027-03-01 12:00"),
            },
        );
        assert!(email.subject.contains("1 March 2027"), "{}", email.subject);
        for body in [&email.text, &email.html] {
            for part in [
                "9.00 USD",
                "12.00 USD",
                "1 March 2027",
                "cancel",
                "https://magazine.example/account",
            ] {
                assert!(body.contains(part), "{part}: {body}");
            }
        }
    }
}
