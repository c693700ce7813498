//! What a tier gives its subscribers. A perk exists before it is delivered:
//! `coming_soon` perks are announced to readers but never open the gate.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// One benefit a tier can bundle. The declaration order is the order perks
/// are listed in (a `BTreeSet<Perk>` iterates in it).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Perk {
    /// The digital edition (PDF) of every issue.
    DigitalEdition,
    /// Audio for every article.
    Audio,
    /// Articles whose visibility is `subscribers`.
    ExclusiveContent,
    /// Issues older than the current one, and their articles.
    Archive,
    /// The mailed print edition; needs a shipping address.
    PrintEdition,
    /// Reading without ads.
    AdFree,
}

impl Perk {
    /// Every perk, in declaration order, so admin screens and tests can list
    /// them without repeating the enum.
    pub const ALL: [Self; 6] = [
        Self::DigitalEdition,
        Self::Audio,
        Self::ExclusiveContent,
        Self::Archive,
        Self::PrintEdition,
        Self::AdFree,
    ];

    /// The stored and serialised name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::DigitalEdition => "digital_edition",
            Self::Audio => "audio",
            Self::ExclusiveContent => "exclusive_content",
            Self::Archive => "archive",
            Self::PrintEdition => "print_edition",
            Self::AdFree => "ad_free",
        }
    }

    /// Parses a stored name.
    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|perk| perk.as_str() == raw)
    }

    /// Its short name for people, as a headline says it ("Ad-free is
    /// here").
    pub fn label(self) -> &'static str {
        match self {
            Self::DigitalEdition => "The digital edition",
            Self::Audio => "Audio",
            Self::ExclusiveContent => "Exclusive content",
            Self::Archive => "The archive",
            Self::PrintEdition => "The print edition",
            Self::AdFree => "Ad-free",
        }
    }

    /// What it gives, in a phrase for a sentence ("Ad-free reading is now
    /// part of your subscription").
    pub fn description(self) -> &'static str {
        match self {
            Self::DigitalEdition => "The digital edition (PDF) of every issue",
            Self::Audio => "Audio for every article",
            Self::ExclusiveContent => "Exclusive subscriber content",
            Self::Archive => "Unlimited access to past issues",
            Self::PrintEdition => "The mailed print edition",
            Self::AdFree => "Ad-free reading",
        }
    }
}

/// Whether a perk of a tier is delivered yet. Only `live` perks grant
/// anything; `coming_soon` ones are shown as announced.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum PerkStatus {
    /// Delivered: the gate honours it.
    Live,
    /// Announced but not delivered: listed, never granted.
    ComingSoon,
}

impl PerkStatus {
    /// The stored and serialised name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Live => "live",
            Self::ComingSoon => "coming_soon",
        }
    }

    /// Parses a stored name.
    pub fn parse(raw: &str) -> Option<Self> {
        match raw {
            "live" => Some(Self::Live),
            "coming_soon" => Some(Self::ComingSoon),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn perk_names_round_trip_and_match_serde() {
        for perk in Perk::ALL {
            assert_eq!(Perk::parse(perk.as_str()), Some(perk));
            assert_eq!(
                serde_json::to_value(perk).unwrap(),
                serde_json::Value::from(perk.as_str())
            );
        }
        assert_eq!(Perk::parse("AdFree"), None);
        assert_eq!(Perk::parse(""), None);
    }

    #[test]
    fn status_names_round_trip_and_match_serde() {
        for status in [PerkStatus::Live, PerkStatus::ComingSoon] {
            assert_eq!(PerkStatus::parse(status.as_str()), Some(status));
            assert_eq!(
                serde_json::to_value(status).unwrap(),
                serde_json::Value::from(status.as_str())
            );
        }
        assert_eq!(PerkStatus::parse("soon"), None);
    }
}
