//! The gift messages: the buyer's receipt (with the refund link), the
//! recipient's gift (with the redemption link), the refund told to both,
//! and the offer to continue near a gift's end. Buyer and recipient may
//! have no account, so their dates are written in UTC.

use super::To;
use crate::domain::ReaderTimeZone;
use crate::mail::Email;
use crate::mail::catalog::Message;
use crate::mail::format;
use crate::mail::letters::{Letters, Values};
use crate::site_url::SitePage;
use chrono::NaiveDateTime;

/// What a gift is, as every gift message names it.
#[derive(Debug, Clone, Copy)]
pub struct GiftFacts<'a> {
    /// The tier's name.
    pub plan: &'a str,
    /// How many months.
    pub months: u32,
    /// What was paid, in minor units of `currency`.
    pub amount_cents: i64,
    /// The currency, lower-case.
    pub currency: &'a str,
    /// Who bought it.
    pub buyer_email: &'a str,
    /// Who receives it.
    pub recipient_email: &'a str,
}

/// The receipt to the buyer: the payment, the delivery date, the end of
/// the guarantee and the link that refunds the gift (`refund_token`).
pub fn gift_receipt(
    letters: &Letters,
    gift: &GiftFacts<'_>,
    delivers_at: NaiveDateTime,
    guarantee_ends: NaiveDateTime,
    refund_token: &str,
) -> Email {
    let zone = ReaderTimeZone::UTC;
    let values = Values::default()
        .text("plan", gift.plan)
        .text("amount", format::amount(gift.amount_cents, gift.currency))
        .text("months", gift.months.to_string())
        .text("recipient", gift.recipient_email)
        .text("delivers_on", format::instant(delivers_at, zone))
        .text("guarantee_ends", format::date(guarantee_ends, zone))
        .text(
            "refund_link",
            letters.link(SitePage::GiftRefund, &[("token", refund_token)]),
        );
    letters.write(
        Message::GiftReceipt,
        gift.buyer_email,
        "Your gift subscription: receipt",
        values,
    )
}

/// The gift itself, to the recipient on the delivery date.
pub fn gift_delivered(
    letters: &Letters,
    gift: &GiftFacts<'_>,
    message: Option<&str>,
    redeem_token: &str,
) -> Email {
    let values = Values::default()
        .text("plan", gift.plan)
        .text("months", gift.months.to_string())
        .text("from", gift.buyer_email)
        .text("message", message.unwrap_or_default())
        .text(
            "redeem_link",
            letters.link(SitePage::GiftRedeem, &[("token", redeem_token)]),
        );
    letters.write(
        Message::GiftDelivered,
        gift.recipient_email,
        &format!("A gift for you: {} months of {}", gift.months, gift.plan),
        values,
    )
}

/// The refund confirmed to the buyer.
pub fn gift_refunded(letters: &Letters, gift: &GiftFacts<'_>) -> Email {
    let values = Values::default()
        .text("plan", gift.plan)
        .text("amount", format::amount(gift.amount_cents, gift.currency))
        .text("recipient", gift.recipient_email);
    letters.write(
        Message::GiftRefunded,
        gift.buyer_email,
        "Your gift has been refunded",
        values,
    )
}

/// The recipient told that the gift was refunded and ended at `ended`.
pub fn gift_canceled(letters: &Letters, gift: &GiftFacts<'_>, ended: NaiveDateTime) -> Email {
    let values = Values::default()
        .text("plan", gift.plan)
        .text("ended", format::instant(ended, ReaderTimeZone::UTC))
        .text("account_link", letters.link(SitePage::Account, &[]));
    letters.write(
        Message::GiftCanceled,
        gift.recipient_email,
        "Your gift subscription has ended",
        values,
    )
}

/// Near a gift's end: the offer to continue, the remaining days kept.
pub fn gift_ending(letters: &Letters, to: To<'_>, plan: &str, ends_at: NaiveDateTime) -> Email {
    let values = Values::default()
        .text("name", to.name)
        .text("plan", plan)
        .text("ends_on", format::instant(ends_at, to.zone))
        .text(
            "continue_link",
            letters.link(SitePage::Account, &[("continue", "gift")]),
        );
    letters.write(
        Message::GiftEnding,
        to.email,
        "Your gift ends soon: keep reading",
        values,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mail::messages::test_letters::{ADA, at, letters};

    fn facts() -> GiftFacts<'static> {
        GiftFacts {
            plan: "Digital",
            months: 3,
            amount_cents: 2_700,
            currency: "usd",
            buyer_email: "ada@example.com",
            recipient_email: "grace@example.com",
        }
    }

    #[test]
    fn the_receipt_carries_the_refund_link_and_the_guarantee() {
        let email = gift_receipt(
            &letters(),
            &facts(),
            at("2026-12-24 09:00"),
            at("2027-02-02 09:00"),
            "T0k",
        );
        assert_eq!(email.to, "ada@example.com");
        assert!(email.text.contains("27.00 USD"), "{}", email.text);
        assert!(
            email
                .text
                .contains("https://magazine.example/gifts/refund?token=T0k")
        );
        assert!(email.text.contains("2 February 2027"), "{}", email.text);
    }

    #[test]
    fn the_gift_shows_the_message_escaped_in_html() {
        let email = gift_delivered(&letters(), &facts(), Some("<b>hi</b>\nBcc: x"), "R3d");
        assert_eq!(email.to, "grace@example.com");
        assert!(
            email
                .text
                .contains("https://magazine.example/gifts/redeem?token=R3d")
        );
        assert!(
            email.html.contains("&lt;b&gt;hi&lt;/b&gt;"),
            "{}",
            email.html
        );
        assert!(!email.subject.contains('\n'));
    }

    #[test]
    fn the_offer_to_continue_links_the_account_page() {
        let email = gift_ending(&letters(), ADA, "Digital", at("2027-01-31 12:00"));
        assert!(
            email
                .text
                .contains("https://magazine.example/account?continue=gift")
        );
    }
}
