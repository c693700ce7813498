//! The emails Masthead sends, one builder per message: each fills its
//! message's placeholders ([`super::catalog`]) from what the change knows
//! and returns the [`Email`](super::Email) to queue in the change's
//! transaction. Links are made from the configured site URL, never from a
//! request's `Host` header (which a client controls); amounts and times
//! are written by [`super::format`], naming their time zone.

mod account;
mod gifts;
mod news;
mod payments;
mod price_change;
mod refunds;
mod reminders;

use crate::db::readers::ReaderRow;
use crate::domain::ReaderTimeZone;
pub use account::{
    email_change, email_change_notice, password_changed, password_reset, reset_link, verify_email,
    verify_link, welcome,
};
pub use gifts::{
    GiftFacts, gift_canceled, gift_delivered, gift_ending, gift_receipt, gift_refunded,
};
pub use news::{ONE_CLICK_PATH, PerkLaunch, one_click_url, perk_launched};
pub use payments::{
    Canceled, PaymentFailed, Receipt, payment_failed, receipt, subscription_canceled,
};

pub use price_change::{PriceChange, price_change};
pub use refunds::{
    RefundDecision, RefundRequest, Refunded, refund_confirmed, refund_request_decided,
    refund_request_received,
};
pub use reminders::{
    AddressMissing, Comp, Renewal, TrialEnd, comp_ending, comp_granted, print_address_missing,
    renewal_reminder, trial_ending,
};

/// Whom a message goes to.
#[derive(Debug, Clone, Copy)]
pub struct To<'a> {
    /// The name to greet them by.
    pub name: &'a str,
    /// Their address.
    pub email: &'a str,
    /// The time zone their dates are written in (`time_zone` on
    /// `PATCH /v1/me`; UTC when they set none).
    pub zone: ReaderTimeZone,
}

impl<'a> To<'a> {
    /// The reader of `row`, in their time zone.
    pub fn reader(row: &'a ReaderRow) -> Self {
        Self {
            name: &row.name,
            email: &row.email,
            zone: row.time_zone(),
        }
    }
}

#[cfg(test)]
pub(crate) mod test_letters {
    use super::To;
    use crate::domain::ReaderTimeZone;
    use crate::mail::Letters;
    use crate::mail::templates::Templates;
    use crate::settings::Settings;
    use chrono::NaiveDateTime;

    /// The reader the message tests write to.
    pub const ADA: To<'static> = To {
        name: "Ada",
        email: "ada@example.com",
        zone: ReaderTimeZone::UTC,
    };

    /// A UTC time written `2027-01-31 12:00`.
    pub fn at(text: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M").unwrap()
    }

    /// Letters with the built-in templates and a site at magazine.example.
    pub fn letters() -> Letters {
        Letters::new(
            Templates::builtin(),
            Settings {
                public_url: Some("https://api.magazine.example".into()),
                site_url: Some("https://magazine.example".into()),
                ..Settings::default()
            },
        )
    }
}
