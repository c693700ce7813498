//! Drawing up an issue's mailing list from the subscriptions that may have
//! granted print at its cut-off: each reader once, split into those with a
//! complete address (mailable) and those support must chase for one.

use crate::db::mailing_list::PrintCandidate;
use crate::domain::{Perk, granted_perk_at};
use chrono::{DateTime, Utc};
use serde::Serialize;
use std::collections::HashSet;
use utoipa::ToSchema;

/// A reader the issue is mailed to.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Recipient {
    /// The reader id.
    pub reader_id: String,
    /// The name to print on the label.
    pub name: String,
    /// The reader's email.
    pub email: String,
    /// Street and number.
    pub line1: String,
    /// Flat, floor, c/o.
    pub line2: Option<String>,
    /// City or town.
    pub city: String,
    /// State, county or province.
    pub region: Option<String>,
    /// Postal code.
    pub postal_code: String,
    /// ISO 3166-1 alpha-2 country code.
    pub country: String,
    /// The tier granting print, e.g. `print`.
    pub tier: String,
}

/// A reader entitled to the issue without a complete shipping address.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MissingAddress {
    /// The reader id.
    pub reader_id: String,
    /// The reader's name.
    pub name: String,
    /// Where to ask for the address.
    pub email: String,
    /// The tier granting print.
    pub tier: String,
}

/// An issue's mailing list.
#[derive(Debug, Serialize, ToSchema)]
pub struct MailingList {
    /// The issue number.
    pub issue: i32,
    /// The instant print access is judged at: the publication date minus
    /// `MASTHEAD_PRINT_CUTOFF_DAYS`.
    pub cutoff: DateTime<Utc>,
    /// Mailable readers, by name.
    pub recipients: Vec<Recipient>,
    /// Entitled readers without a complete address, by name.
    pub missing_address: Vec<MissingAddress>,
}

/// A list being drawn up from the candidate subscriptions, handed over one
/// at a time as the database reads them: a reader is on it when one of
/// their subscriptions granted print at the cut-off (the newest such names
/// the tier), and appears once. What is kept is the list itself, never the
/// candidate rows (100,000 print readers are 100,000 reader and
/// subscription rows).
pub struct Drawing {
    list: MailingList,
    seen: HashSet<String>,
}

impl Drawing {
    /// An empty list of `issue` at `cutoff`.
    pub fn new(issue: i32, cutoff: DateTime<Utc>) -> Self {
        Self {
            list: MailingList {
                issue,
                cutoff,
                recipients: Vec::new(),
                missing_address: Vec::new(),
            },
            seen: HashSet::new(),
        }
    }

    /// Puts the candidate's reader on the list when the subscription
    /// granted print at the cut-off and the reader is not on it yet
    /// (candidates come newest subscription first, so the first granting
    /// one names the tier).
    pub fn consider(&mut self, candidate: PrintCandidate) {
        let PrintCandidate {
            reader,
            subscription,
            print_status,
        } = candidate;
        let cutoff = self.list.cutoff;
        let granted = subscription
            .snapshot(vec![(Perk::PrintEdition, print_status)])
            .is_some_and(|snapshot| {
                let ended = subscription.ended_at.map(|at| at.and_utc());
                granted_perk_at(&snapshot, ended, Perk::PrintEdition, cutoff)
            });
        if !granted || !self.seen.insert(reader.id.clone()) {
            return;
        }
        let tier = subscription.tier_id;
        match reader.address.shipping_address() {
            Some(address) => self.list.recipients.push(Recipient {
                reader_id: reader.id,
                name: reader.name,
                email: reader.email,
                line1: address.line1,
                line2: address.line2,
                city: address.city,
                region: address.region,
                postal_code: address.postal_code,
                country: address.country,
                tier,
            }),
            None => self.list.missing_address.push(MissingAddress {
                reader_id: reader.id,
                name: reader.name,
                email: reader.email,
                tier,
            }),
        }
    }

    /// The list drawn up.
    pub fn finish(self) -> MailingList {
        self.list
    }
}
