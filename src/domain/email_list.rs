//! The optional mailing lists a reader may leave: what an unsubscribe link
//! names, and what `email_preferences` switches. Transactional mail
//! (receipts, failed payments, renewal reminders, refunds, security
//! notices) belongs to no list and is always sent.

/// One list of optional mail.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EmailList {
    /// Perk launches and other product news (`product_updates`).
    ProductUpdates,
}

impl EmailList {
    /// Every list.
    pub const ALL: [Self; 1] = [Self::ProductUpdates];

    /// The name in links and in `email_preferences`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::ProductUpdates => "product_updates",
        }
    }

    /// The list named `raw`.
    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|list| list.as_str() == raw)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for list in EmailList::ALL {
            assert_eq!(EmailList::parse(list.as_str()), Some(list));
        }
        assert_eq!(EmailList::parse("receipts"), None);
    }
}
