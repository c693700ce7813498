//! Every message Masthead sends and the placeholders its templates may
//! use: the one list the start-up check ([`super::templates`]), the
//! message builders ([`super::messages`]) and the documentation
//! (`docs/operations/emails.md`, held to it by a test) agree on.

/// A value a message's templates may show.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Placeholder {
    /// The name templates write as `{{ name }}`.
    pub name: &'static str,
    /// Whether each part of the message must show it: a template without
    /// it (a receipt without its amount, a reset without its link) is
    /// refused at start.
    pub required: bool,
    /// What the start-up check renders the template with.
    pub sample: Sample,
}

/// The kind of value a placeholder holds, with the sample the start-up
/// check renders.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sample {
    /// Text (names, links, amounts and dates already written out).
    Text(&'static str),
    /// Text that may be empty (`{% if invoice_url %}`): an optional link.
    MaybeEmpty(&'static str),
    /// `true` or `false`, for `{% if ... %}`.
    Flag(bool),
}

const fn text(name: &'static str, sample: &'static str) -> Placeholder {
    Placeholder {
        name,
        required: false,
        sample: Sample::Text(sample),
    }
}

const fn required(name: &'static str, sample: &'static str) -> Placeholder {
    Placeholder {
        name,
        required: true,
        sample: Sample::Text(sample),
    }
}

const fn maybe_empty(name: &'static str, sample: &'static str) -> Placeholder {
    Placeholder {
        name,
        required: false,
        sample: Sample::MaybeEmpty(sample),
    }
}

const fn flag(name: &'static str) -> Placeholder {
    Placeholder {
        name,
        required: false,
        sample: Sample::Flag(true),
    }
}

const NAME: Placeholder = text("name", "Ada Lovelace");
const EMAIL: Placeholder = text("email", "ada@example.com");
const PLAN: Placeholder = text("plan", "Digital");
const ACCOUNT_LINK: Placeholder = text("account_link", "https://magazine.example/account");
const AMOUNT: Placeholder = required("amount", "9.00 USD");

/// One message: a plain-text and an HTML template of the same name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Message {
    /// Confirm a new account's address.
    VerifyEmail,
    /// Confirm the address an account moves to.
    EmailChange,
    /// To the old address: a move was asked for.
    EmailChangeNotice,
    /// A password-reset link.
    PasswordReset,
    /// The password changed (after a reset).
    PasswordChanged,
    /// The address is confirmed: welcome.
    Welcome,
    /// Money received: the first payment and each renewal.
    PaymentReceipt,
    /// A renewal could not be charged: how to fix it.
    PaymentFailed,
    /// The subscription will end (or ended): until when, how to resume.
    SubscriptionCanceled,
    /// Money given back; access ended.
    RefundConfirmed,
    /// The reader's refund request reached support.
    RefundRequestReceived,
    /// Support approved the request: the money goes back.
    RefundRequestApproved,
    /// Support denied the request, with a note.
    RefundRequestDenied,
    /// An annual subscription renews soon: when, the price, how to cancel.
    RenewalReminder,
    /// A trial ends soon and the first payment follows.
    TrialEnding,
    /// Staff granted a complimentary subscription, until when.
    CompGranted,
    /// A complimentary subscription ends soon.
    CompEnding,
    /// A print subscriber has no shipping address before an issue's cut-off.
    PrintAddressMissing,
    /// Optional: a perk the reader's tier announced is live ("Ad-free is
    /// here"); only to readers with `product_updates` on, with a one-click
    /// unsubscribe.
    PerkLaunched,
    /// A scheduled price applies at the subscriber's renewal: old and new
    /// price, from when, how to cancel (legally required notice).
    PriceChange,
    /// To a gift's buyer: the payment received, what was bought, when it
    /// is delivered, and the link to a refund under the guarantee.
    GiftReceipt,
    /// To a gift's recipient on the delivery date: who gave it, their
    /// message, and the link that redeems it.
    GiftDelivered,
    /// To a gift's buyer: the refund went through; the gift is ended.
    GiftRefunded,
    /// To a gift's recipient: the gift was refunded to the buyer and ends
    /// now.
    GiftCanceled,
    /// A gift ends soon: the offer to continue as a subscriber, the
    /// remaining days kept before the first payment.
    GiftEnding,
}

impl Message {
    /// Every message.
    pub const ALL: [Self; 25] = [
        Self::VerifyEmail,
        Self::EmailChange,
        Self::EmailChangeNotice,
        Self::PasswordReset,
        Self::PasswordChanged,
        Self::Welcome,
        Self::PaymentReceipt,
        Self::PaymentFailed,
        Self::SubscriptionCanceled,
        Self::RefundConfirmed,
        Self::RefundRequestReceived,
        Self::RefundRequestApproved,
        Self::RefundRequestDenied,
        Self::RenewalReminder,
        Self::TrialEnding,
        Self::CompGranted,
        Self::CompEnding,
        Self::PrintAddressMissing,
        Self::PerkLaunched,
        Self::PriceChange,
        Self::GiftReceipt,
        Self::GiftDelivered,
        Self::GiftRefunded,
        Self::GiftCanceled,
        Self::GiftEnding,
    ];

    /// The templates' name: `<name>.txt` and `<name>.html`.
    pub fn name(self) -> &'static str {
        match self {
            Self::VerifyEmail => "verify_email",
            Self::EmailChange => "email_change",
            Self::EmailChangeNotice => "email_change_notice",
            Self::PasswordReset => "password_reset",
            Self::PasswordChanged => "password_changed",
            Self::Welcome => "welcome",
            Self::PaymentReceipt => "payment_receipt",
            Self::PaymentFailed => "payment_failed",
            Self::SubscriptionCanceled => "subscription_canceled",
            Self::RefundConfirmed => "refund_confirmed",
            Self::RefundRequestReceived => "refund_request_received",
            Self::RefundRequestApproved => "refund_request_approved",
            Self::RefundRequestDenied => "refund_request_denied",
            Self::RenewalReminder => "renewal_reminder",
            Self::TrialEnding => "trial_ending",
            Self::CompGranted => "comp_granted",
            Self::CompEnding => "comp_ending",
            Self::PrintAddressMissing => "print_address_missing",
            Self::PerkLaunched => "perk_launched",
            Self::PriceChange => "price_change",
            Self::GiftReceipt => "gift_receipt",
            Self::GiftDelivered => "gift_delivered",
            Self::GiftRefunded => "gift_refunded",
            Self::GiftCanceled => "gift_canceled",
            Self::GiftEnding => "gift_ending",
        }
    }

    /// The message named `name`, if there is one.
    pub fn named(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|message| message.name() == name)
    }

    /// The placeholders its templates may use; each is given a value
    /// whenever the message is sent.
    pub fn placeholders(self) -> &'static [Placeholder] {
        match self {
            Self::VerifyEmail | Self::EmailChange => CONFIRM_ADDRESS,
            Self::EmailChangeNotice => EMAIL_CHANGE_NOTICE,
            Self::PasswordReset => PASSWORD_RESET,
            Self::PasswordChanged => PASSWORD_CHANGED,
            Self::Welcome => WELCOME,
            Self::PaymentReceipt => PAYMENT_RECEIPT,
            Self::PaymentFailed => PAYMENT_FAILED,
            Self::SubscriptionCanceled => SUBSCRIPTION_CANCELED,
            Self::RefundConfirmed => REFUND_CONFIRMED,
            Self::RefundRequestReceived => REFUND_REQUEST_RECEIVED,
            Self::RefundRequestApproved => REFUND_REQUEST_APPROVED,
            Self::RefundRequestDenied => REFUND_REQUEST_DENIED,
            Self::RenewalReminder => RENEWAL_REMINDER,
            Self::TrialEnding => TRIAL_ENDING,
            Self::CompGranted => COMP_GRANTED,
            Self::CompEnding => COMP_ENDING,
            Self::PrintAddressMissing => PRINT_ADDRESS_MISSING,
            Self::PerkLaunched => PERK_LAUNCHED,
            Self::PriceChange => PRICE_CHANGE,
            Self::GiftReceipt => GIFT_RECEIPT,
            Self::GiftDelivered => GIFT_DELIVERED,
            Self::GiftRefunded => GIFT_REFUNDED,
            Self::GiftCanceled => GIFT_CANCELED,
            Self::GiftEnding => GIFT_ENDING,
        }
    }

    /// Whether the message is optional mail a reader can leave (it
    /// carries `List-Unsubscribe`, and is sent only with
    /// `product_updates` on). Everything else is transactional or legally
    /// required, always sent, with no unsubscribe.
    pub fn is_optional(self) -> bool {
        matches!(self, Self::PerkLaunched)
    }
}

const LINK: Placeholder = required("link", "https://magazine.example/verify-email?token=sample");

const CONFIRM_ADDRESS: &[Placeholder] = &[NAME, EMAIL, LINK, text("hours", "48")];

const EMAIL_CHANGE_NOTICE: &[Placeholder] = &[
    NAME,
    text("old_email", "ada@example.com"),
    required("new_email", "ada@elsewhere.example"),
];

const PASSWORD_RESET: &[Placeholder] = &[NAME, EMAIL, LINK, text("minutes", "30")];

const PASSWORD_CHANGED: &[Placeholder] = &[NAME, EMAIL];

const WELCOME: &[Placeholder] = &[
    NAME,
    EMAIL,
    text("site_link", "https://magazine.example/"),
    ACCOUNT_LINK,
];

const PAYMENT_RECEIPT: &[Placeholder] = &[
    NAME,
    PLAN,
    required("receipt_number", "DEV-000001"),
    AMOUNT,
    text("paid_on", "1 December 2026, 17:35 UTC"),
    required("period", "1 December 2026 to 1 January 2027 (UTC)"),
    text("next_renewal", "1 January 2027 (UTC)"),
    flag("renews"),
    text("guarantee_ends", "30 January 2027 (UTC)"),
    flag("guarantee_open"),
    maybe_empty("invoice_url", "https://invoice.stripe.test/i/sample"),
    ACCOUNT_LINK,
];

const PAYMENT_FAILED: &[Placeholder] = &[
    NAME,
    PLAN,
    AMOUNT,
    required("action_link", "https://invoice.stripe.test/i/sample"),
    maybe_empty("access_until", "8 December 2026, 17:35 UTC"),
];

const SUBSCRIPTION_CANCELED: &[Placeholder] = &[
    NAME,
    PLAN,
    required("access_until", "1 January 2027, 17:35 UTC"),
    flag("can_resume"),
    ACCOUNT_LINK,
];

const REFUND_CONFIRMED: &[Placeholder] = &[
    NAME,
    PLAN,
    AMOUNT,
    required("access_ended", "1 December 2026, 17:35 UTC"),
];

const REFUND_REQUEST_RECEIVED: &[Placeholder] = &[
    NAME,
    PLAN,
    text("reason", "I did not read it"),
    text("guarantee_ends", "30 January 2027 (UTC)"),
    flag("within_guarantee"),
];

const REFUND_REQUEST_APPROVED: &[Placeholder] = &[
    NAME,
    PLAN,
    AMOUNT,
    text("access_ended", "1 December 2026, 17:35 UTC"),
    maybe_empty("note", "Refunded as asked"),
];

const REFUND_REQUEST_DENIED: &[Placeholder] = &[
    NAME,
    PLAN,
    required("note", "The guarantee ended before the request"),
    ACCOUNT_LINK,
];

const RENEWAL_REMINDER: &[Placeholder] = &[
    NAME,
    PLAN,
    required("renews_on", "1 January 2027 (UTC)"),
    AMOUNT,
    required("account_link", "https://magazine.example/account"),
];

const PRICE_CHANGE: &[Placeholder] = &[
    NAME,
    PLAN,
    required("old_amount", "$9.00"),
    required("new_amount", "$12.00"),
    required("interval", "month"),
    required("applies_on", "1 March 2027 (UTC)"),
    required("account_link", "https://magazine.example/account"),
];

const TRIAL_ENDING: &[Placeholder] = &[
    NAME,
    PLAN,
    required("trial_ends", "4 December 2026, 17:35 UTC"),
    maybe_empty("amount", "9.00 USD"),
    required("account_link", "https://magazine.example/account"),
];

const COMP_GRANTED: &[Placeholder] = &[
    NAME,
    PLAN,
    required("until", "1 January 2027, 17:35 UTC"),
    ACCOUNT_LINK,
];

const COMP_ENDING: &[Placeholder] = &[
    NAME,
    PLAN,
    required("ends_on", "1 January 2027, 17:35 UTC"),
    ACCOUNT_LINK,
];

const PRINT_ADDRESS_MISSING: &[Placeholder] = &[
    NAME,
    text("issue", "42"),
    text("issue_title", "Winter"),
    required("add_by", "1 January 2027, 09:00 UTC"),
    required("account_link", "https://magazine.example/account"),
];

const PERK_LAUNCHED: &[Placeholder] = &[
    NAME,
    PLAN,
    required("perk", "Ad-free reading"),
    text("headline", "Ad-free is here"),
    ACCOUNT_LINK,
    required(
        "unsubscribe_link",
        "https://magazine.example/unsubscribe?token=sample",
    ),
];

const GIFT_RECEIPT: &[Placeholder] = &[
    PLAN,
    AMOUNT,
    text("months", "3"),
    text("recipient", "grace@example.com"),
    required("delivers_on", "24 December 2026, 09:00 UTC"),
    text("guarantee_ends", "2 February 2027 (UTC)"),
    required(
        "refund_link",
        "https://magazine.example/gifts/refund?token=sample",
    ),
];

const GIFT_DELIVERED: &[Placeholder] = &[
    PLAN,
    text("months", "3"),
    text("from", "ada@example.com"),
    maybe_empty("message", "Happy birthday!"),
    required(
        "redeem_link",
        "https://magazine.example/gifts/redeem?token=sample",
    ),
];

const GIFT_REFUNDED: &[Placeholder] = &[PLAN, AMOUNT, text("recipient", "grace@example.com")];

const GIFT_CANCELED: &[Placeholder] = &[
    PLAN,
    required("ended", "1 December 2026, 17:35 UTC"),
    ACCOUNT_LINK,
];

const GIFT_ENDING: &[Placeholder] = &[
    NAME,
    PLAN,
    required("ends_on", "1 January 2027, 17:35 UTC"),
    required(
        "continue_link",
        "https://magazine.example/account?continue=gift",
    ),
];

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn names_are_unique_and_found_again() {
        let names: BTreeSet<_> = Message::ALL.iter().map(|m| m.name()).collect();
        assert_eq!(names.len(), Message::ALL.len());
        for message in Message::ALL {
            assert_eq!(Message::named(message.name()), Some(message));
        }
        assert_eq!(Message::named("nope"), None);
    }

    #[test]
    fn no_message_lists_a_placeholder_twice() {
        for message in Message::ALL {
            let names: BTreeSet<_> = message.placeholders().iter().map(|p| p.name).collect();
            assert_eq!(names.len(), message.placeholders().len(), "{message:?}");
        }
    }

    /// docs/operations/emails.md names every template and each of its
    /// placeholders (as `` `name` ``) in the message's section.
    #[test]
    fn the_docs_name_every_template_and_placeholder() {
        let docs = include_str!("../../docs/operations/emails.md");
        for message in Message::ALL {
            let heading = format!("### `{}`", message.name());
            let start = docs
                .find(&heading)
                .unwrap_or_else(|| panic!("docs/operations/emails.md has no {heading}"));
            let section = &docs[start + heading.len()..];
            let section = &section[..section.find("\n### ").unwrap_or(section.len())];
            for placeholder in message.placeholders() {
                assert!(
                    section.contains(&format!("`{}`", placeholder.name)),
                    "docs/operations/emails.md: {} does not explain `{}`",
                    message.name(),
                    placeholder.name
                );
            }
        }
    }
}
