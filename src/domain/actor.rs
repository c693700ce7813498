//! Who made a change, as the subscription history, refunds, refund
//! requests and plan changes record it (`actor` columns): one source for
//! the stored forms `reader:<id>`, `staff:<id>`, `provider:<name>`,
//! `import` and `clock`.

use super::ReaderId;
use super::stored_text::stored_enum;
use std::fmt;

stored_enum! {
    /// A payment provider, as stored on checkouts, subscriptions, payments
    /// and refunds (`provider` columns). An unknown stored name reads as the
    /// development provider, which holds nothing outside our database:
    /// callers check the name against the configured provider before
    /// acting, so nothing is sent to a provider by mistake.
    pub enum ProviderName (unknown = Dev) {
        /// The development provider (no card, no network).
        Dev,
        /// Stripe.
        Stripe,
    }
}

/// Who made a change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Actor {
    /// The reader themself (cancelling, changing plan).
    Reader(ReaderId),
    /// A staff member (a refund, a comp).
    Staff(ReaderId),
    /// The payment provider: what its reports and the follow-ups they
    /// cause changed, or what completing its checkout made.
    Provider(ProviderName),
    /// `readers import`.
    Import,
    /// Time: a scheduled sweep found a date passed (a comp's end, a grace
    /// window's) and applied what the state machine says of it.
    Clock,
}

impl Actor {
    /// Parses a stored actor; `None` for a form this build does not know.
    /// Rows written before the forms were one type name Stripe's webhook
    /// changes plain `stripe`; that still reads as the provider.
    pub fn parse(raw: &str) -> Option<Self> {
        match raw {
            "import" => return Some(Self::Import),
            "clock" => return Some(Self::Clock),
            _ => {}
        }
        if let Some(provider) = ProviderName::parse(raw) {
            return Some(Self::Provider(provider));
        }
        let (kind, rest) = raw.split_once(':')?;
        match kind {
            "reader" => ReaderId::parse(rest).map(Self::Reader),
            "staff" => ReaderId::parse(rest).map(Self::Staff),
            "provider" => ProviderName::parse(rest).map(Self::Provider),
            _ => None,
        }
    }
}

/// The stored form.
impl fmt::Display for Actor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Reader(id) => write!(f, "reader:{id}"),
            Self::Staff(id) => write!(f, "staff:{id}"),
            Self::Provider(name) => write!(f, "provider:{}", name.as_str()),
            Self::Import => f.write_str("import"),
            Self::Clock => f.write_str("clock"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_forms_round_trip() {
        let id = ReaderId::parse("01932c07-8f4e-7d5a-9c1b-2f3e4d5a6b7c").unwrap();
        let actors = [
            Actor::Reader(id.clone()),
            Actor::Staff(id),
            Actor::Provider(ProviderName::Stripe),
            Actor::Provider(ProviderName::Dev),
            Actor::Import,
            Actor::Clock,
        ];
        for actor in actors {
            assert_eq!(Actor::parse(&actor.to_string()), Some(actor));
        }
        assert_eq!(
            Actor::Provider(ProviderName::Stripe).to_string(),
            "provider:stripe"
        );
    }

    #[test]
    fn the_old_plain_stripe_still_reads_as_the_provider() {
        assert_eq!(
            Actor::parse("stripe"),
            Some(Actor::Provider(ProviderName::Stripe))
        );
    }

    #[test]
    fn unknown_forms_are_none() {
        for raw in ["", "robot", "staff:", "reader:not-an-id", "provider:paypal"] {
            assert_eq!(Actor::parse(raw), None, "{raw}");
        }
    }
}
