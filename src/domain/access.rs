//! The gate: may this viewer see this resource now? One pure function, so
//! every route asks the same question the same way and every rule of the
//! product is tested here, without a database or a clock.

use super::stored_text::stored_enum;
use super::{
    GiftPass, Meter, MeterRule, MeterVerdict, MeterView, Perk, PerkStatus, SubscriptionState,
};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use utoipa::ToSchema;

stored_enum! {
    /// Who may read an article's full text. An unknown stored visibility
    /// shows the article to the fewest readers.
    #[derive(Serialize, Deserialize, ToSchema)]
    #[serde(rename_all = "snake_case")]
    pub enum Visibility (unknown = Subscribers) {
        /// Everyone, logged in or not.
        Public,
        /// Any logged-in reader.
        Registered,
        /// Readers whose subscription grants `exclusive_content`.
        Subscribers,
    }
}

/// What the gate needs to know about one of a reader's subscriptions,
/// copied in by the caller (the tier's perks with their status included), so
/// the decision needs no I/O.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubscriptionSnapshot {
    /// Where the subscription is in its life.
    pub state: SubscriptionState,
    /// The perks of its tier, each `live` or `coming_soon`.
    pub perks: Vec<(Perk, PerkStatus)>,
    /// End of the paid period (exclusive), when known.
    pub current_period_end: Option<DateTime<Utc>>,
    /// When a `past_due` subscription's grace window closes.
    pub grace_ends_at: Option<DateTime<Utc>>,
    /// When a `comped` subscription ends.
    pub comped_until: Option<DateTime<Utc>>,
    /// When it was started; the most recent one explains a refusal.
    pub started_at: DateTime<Utc>,
}

impl SubscriptionSnapshot {
    /// Whether this subscription opens anything at `now`. Every end is
    /// exclusive. A `canceling`, `past_due`, `comped` or `gift` subscription missing
    /// the date that bounds it grants nothing: the gate fails closed.
    pub fn grants_access(&self, now: DateTime<Utc>) -> bool {
        let before = |end: Option<DateTime<Utc>>| end.is_some_and(|end| now < end);
        match self.state {
            SubscriptionState::Active => self.current_period_end.is_none_or(|end| now < end),
            SubscriptionState::Canceling | SubscriptionState::Trialing => {
                before(self.current_period_end)
            }
            SubscriptionState::PastDue => before(self.grace_ends_at),
            SubscriptionState::Comped => before(self.comped_until),
            // A gift redeemed by a paying reader starts when their paid
            // period ends (`started_at`), so it opens nothing before then.
            SubscriptionState::Gift => self.started_at <= now && before(self.current_period_end),
            SubscriptionState::Incomplete
            | SubscriptionState::Expired
            | SubscriptionState::Refunded
            | SubscriptionState::Unpaid
            | SubscriptionState::Paused
            | SubscriptionState::Duplicate => false,
        }
    }

    /// The perks this subscription actually grants at `now`: its `live`
    /// perks while it grants access, otherwise none.
    pub fn live_perks(&self, now: DateTime<Utc>) -> BTreeSet<Perk> {
        if self.grants_access(now) {
            self.perks_with(PerkStatus::Live)
        } else {
            BTreeSet::new()
        }
    }

    fn perks_with(&self, status: PerkStatus) -> BTreeSet<Perk> {
        self.perks
            .iter()
            .filter(|(_, s)| *s == status)
            .map(|(perk, _)| *perk)
            .collect()
    }
}

/// Who is asking.
#[derive(Debug, Clone, Copy)]
pub enum Viewer<'a> {
    /// Not logged in.
    Anonymous,
    /// A logged-in reader with every subscription they have had.
    Reader {
        /// All of the reader's subscriptions, in any order.
        subscriptions: &'a [SubscriptionSnapshot],
    },
}

/// What is being asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resource {
    /// An article's full text.
    Article {
        /// The article's visibility.
        visibility: Visibility,
        /// Whether it belongs to an issue older than the current one.
        in_past_issue: bool,
    },
    /// An article's audio.
    Audio {
        /// The visibility of the article the audio reads.
        visibility: Visibility,
        /// Whether the article belongs to an issue older than the current one.
        in_past_issue: bool,
    },
    /// An issue's digital edition (PDF).
    Edition {
        /// Whether the issue is older than the current one.
        in_past_issue: bool,
    },
}

impl Resource {
    /// Whether a login is needed at all, and the perks needed beyond it.
    /// Public article text stays free even in a past issue.
    fn requirement(self) -> (bool, BTreeSet<Perk>) {
        let article = |visibility: Visibility, in_past_issue: bool| {
            let mut perks = BTreeSet::new();
            if visibility == Visibility::Subscribers {
                perks.insert(Perk::ExclusiveContent);
            }
            if in_past_issue && visibility != Visibility::Public {
                perks.insert(Perk::Archive);
            }
            (visibility != Visibility::Public, perks)
        };
        match self {
            Self::Article {
                visibility,
                in_past_issue,
            } => article(visibility, in_past_issue),
            Self::Audio {
                visibility,
                in_past_issue,
            } => {
                let (_, mut perks) = article(visibility, in_past_issue);
                perks.insert(Perk::Audio);
                (true, perks)
            }
            Self::Edition { in_past_issue } => {
                let mut perks = BTreeSet::from([Perk::DigitalEdition]);
                if in_past_issue {
                    perks.insert(Perk::Archive);
                }
                (true, perks)
            }
        }
    }
}

/// Why the gate said no; each has a stable code the front-end switches on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Denial {
    /// Anonymous, and the resource is not public.
    LoginRequired,
    /// The reader never subscribed (or never finished checkout).
    SubscriptionRequired,
    /// The reader's subscription is live but its tier lacks this perk.
    PerkRequired(Perk),
    /// The reader's latest subscription ended (expired, refunded, lapsed).
    SubscriptionExpired,
    /// The reader's latest subscription's payment failed and grace is over.
    PaymentPastDue,
}

impl Denial {
    /// The stable snake_case reason code.
    pub fn code(self) -> &'static str {
        match self {
            Self::LoginRequired => "login_required",
            Self::SubscriptionRequired => "subscription_required",
            Self::PerkRequired(_) => "perk_required",
            Self::SubscriptionExpired => "subscription_expired",
            Self::PaymentPastDue => "payment_past_due",
        }
    }

    /// The missing perk, for `perk_required`.
    pub fn perk(self) -> Option<Perk> {
        match self {
            Self::PerkRequired(perk) => Some(perk),
            _ => None,
        }
    }

    /// Whether the metered paywall may lift this refusal of an article's
    /// text. A reader whose payment failed is asked to fix it instead: a
    /// free article would hide the one call to action that matters.
    pub fn meterable(self) -> bool {
        match self {
            Self::LoginRequired
            | Self::SubscriptionRequired
            | Self::SubscriptionExpired
            | Self::PerkRequired(Perk::ExclusiveContent | Perk::Archive) => true,
            Self::PerkRequired(_) | Self::PaymentPastDue => false,
        }
    }
}

/// The gate's answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AccessDecision {
    /// The viewer may see the resource.
    Granted,
    /// The viewer may read this one article's full text through a gift
    /// link (and nothing else: not its audio, not other articles).
    GiftLink,
    /// The metered paywall opens this article's full text (not its audio);
    /// `counts` when reading it in full uses up one free article.
    Metered {
        /// Whether a full read counts against the meter.
        counts: bool,
    },
    /// The viewer may not, and why.
    Denied(Denial),
}

impl AccessDecision {
    /// Whether the viewer may see the resource.
    pub fn is_granted(self) -> bool {
        matches!(self, Self::Granted | Self::GiftLink | Self::Metered { .. })
    }

    /// The decision as the API sends it (the `access` object).
    pub fn view(self) -> AccessView {
        match self {
            Self::Granted => AccessView {
                granted: true,
                reason: None,
                perk: None,
                meter: None,
            },
            Self::GiftLink => AccessView {
                granted: true,
                reason: Some("gift_link"),
                perk: None,
                meter: None,
            },
            Self::Metered { .. } => AccessView {
                granted: true,
                reason: Some("metered"),
                perk: None,
                meter: None,
            },
            Self::Denied(denial) => AccessView {
                granted: false,
                reason: Some(denial.code()),
                perk: denial.perk(),
                meter: None,
            },
        }
    }
}

/// The gate's answer as JSON: `granted`, and when not, a reason code and,
/// for `perk_required`, the perk.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
pub struct AccessView {
    /// Whether the viewer may see the resource.
    pub granted: bool,
    /// Why not: `login_required`, `subscription_required`, `perk_required`,
    /// `subscription_expired` or `payment_past_due`; or why yes, when it is
    /// not the viewer's own access: `gift_link` or `metered` (one of the
    /// visitor's free articles).
    #[schema(value_type = Option<String>, example = "perk_required")]
    pub reason: Option<&'static str>,
    /// The missing perk, for `perk_required`.
    pub perk: Option<Perk>,
    /// The visitor's meter, when the metered paywall applies to them and
    /// this article: "2 of 3 free articles left".
    #[serde(skip_serializing_if = "Option::is_none")]
    pub meter: Option<MeterView>,
}

/// The gate's answer about an article's text, with the meter that applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ArticleAccess {
    /// The decision.
    pub decision: AccessDecision,
    /// The visitor's meter, when one applies to them and this article.
    pub meter: Option<MeterView>,
}

impl ArticleAccess {
    /// The answer as the API sends it.
    pub fn view(self) -> AccessView {
        AccessView {
            meter: self.meter,
            ..self.decision.view()
        }
    }
}

/// A visitor's meter and how the article stands towards it, for
/// [`decide_article`].
#[derive(Debug, Clone, Copy)]
pub struct MeterPass<'a> {
    /// The visitor's meter (its allowance chosen for anonymous or
    /// registered visitors).
    pub meter: &'a Meter,
    /// The article's rule: metered, exempt or walled.
    pub rule: MeterRule,
}

/// The order missing perks are named in: the one a reader most likely
/// needs to upgrade for comes first.
const MISSING_ORDER: [Perk; 6] = [
    Perk::ExclusiveContent,
    Perk::DigitalEdition,
    Perk::Audio,
    Perk::Archive,
    Perk::PrintEdition,
    Perk::AdFree,
];

/// Decides whether `viewer` may see `resource` at `now`. Only `live` perks
/// of subscriptions that grant access at `now` count; when none grants, the
/// most recently started subscription explains why.
pub fn decide(viewer: &Viewer, resource: &Resource, now: DateTime<Utc>) -> AccessDecision {
    let (login, required) = resource.requirement();
    if !login && required.is_empty() {
        return AccessDecision::Granted;
    }
    let Viewer::Reader { subscriptions } = viewer else {
        return AccessDecision::Denied(Denial::LoginRequired);
    };
    if required.is_empty() {
        return AccessDecision::Granted;
    }
    let (held, _) = entitlements(subscriptions, now);
    if required.is_subset(&held) {
        return AccessDecision::Granted;
    }
    if subscriptions.iter().any(|s| s.grants_access(now)) {
        let missing = MISSING_ORDER
            .into_iter()
            .find(|perk| required.contains(perk) && !held.contains(perk))
            .expect("a required perk is missing");
        return AccessDecision::Denied(Denial::PerkRequired(missing));
    }
    let latest = subscriptions.iter().max_by_key(|s| s.started_at);
    AccessDecision::Denied(match latest.map(|s| s.state) {
        None | Some(SubscriptionState::Incomplete) => Denial::SubscriptionRequired,
        Some(SubscriptionState::PastDue | SubscriptionState::Unpaid) => Denial::PaymentPastDue,
        Some(
            SubscriptionState::Active
            | SubscriptionState::Trialing
            | SubscriptionState::Paused
            | SubscriptionState::Duplicate
            | SubscriptionState::Canceling
            | SubscriptionState::Expired
            | SubscriptionState::Refunded
            | SubscriptionState::Comped
            | SubscriptionState::Gift,
        ) => Denial::SubscriptionExpired,
    })
}

/// [`decide`], with a gift link presented for the article `article_id`:
/// the viewer's own access comes first (a subscriber opening a link reads
/// as a subscriber); else a link that [`GiftPass::opens`] this article
/// grants its full text ([`AccessDecision::GiftLink`]). Audio and editions
/// are never opened by a gift link.
pub fn decide_with_gift(
    viewer: &Viewer,
    resource: &Resource,
    article_id: &str,
    gift: &GiftPass,
    now: DateTime<Utc>,
) -> AccessDecision {
    let own = decide(viewer, resource, now);
    match (own, resource) {
        (AccessDecision::Denied(_), Resource::Article { .. }) if gift.opens(article_id, now) => {
            AccessDecision::GiftLink
        }
        _ => own,
    }
}

/// The whole decision about an article's text (or audio): the viewer's own
/// access, then a presented gift link ([`decide_with_gift`]), then the
/// metered paywall, which lifts a refusal it may lift
/// ([`Denial::meterable`]) of an article's text while the visitor's meter
/// has a free article left, or already counted this one. The meter is
/// reported whenever it had a say.
pub fn decide_article(
    viewer: &Viewer,
    resource: &Resource,
    article_id: &str,
    gift: Option<&GiftPass>,
    meter: Option<MeterPass<'_>>,
    now: DateTime<Utc>,
) -> ArticleAccess {
    let own = match gift {
        Some(gift) => decide_with_gift(viewer, resource, article_id, gift, now),
        None => decide(viewer, resource, now),
    };
    let unmetered = ArticleAccess {
        decision: own,
        meter: None,
    };
    let (AccessDecision::Denied(denial), Resource::Article { .. }, Some(pass)) =
        (own, resource, meter)
    else {
        return unmetered;
    };
    if !denial.meterable() {
        return unmetered;
    }
    let decision = match pass.meter.verdict(article_id, pass.rule, now) {
        MeterVerdict::Opens { counts } => AccessDecision::Metered { counts },
        MeterVerdict::Closed => own,
    };
    ArticleAccess {
        decision,
        meter: Some(pass.meter.view(now)),
    }
}

/// What a reader holds at `now`, for `GET /v1/me/subscription`: the perks
/// granted (live perks of subscriptions granting access) and those announced
/// (their `coming_soon` perks not already granted by another).
pub fn entitlements(
    subscriptions: &[SubscriptionSnapshot],
    now: DateTime<Utc>,
) -> (BTreeSet<Perk>, BTreeSet<Perk>) {
    let granting = subscriptions.iter().filter(|s| s.grants_access(now));
    let granted: BTreeSet<Perk> = granting
        .clone()
        .flat_map(|s| s.perks_with(PerkStatus::Live))
        .collect();
    let announced = granting
        .flat_map(|s| s.perks_with(PerkStatus::ComingSoon))
        .filter(|perk| !granted.contains(perk))
        .collect();
    (granted, announced)
}

#[cfg(test)]
mod tests;
