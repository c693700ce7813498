//! The gate as handlers use it: one visitor's subscriptions, the current
//! issue and their meter loaded once per request (from the cache), then a
//! pure decision per resource.

use crate::catalogue::gift_links::open::presented_gift_link;
use crate::catalogue::meter::MeterSlot;
use crate::db::catalogue::PublishedArticle;
use crate::db::gift_links::GiftLinkRow;
use crate::domain::{
    AccessDecision, ArticleAccess, Meter, MeterPass, Resource, SubscriptionSnapshot, Viewer,
    Visibility, decide, decide_article, reader_meter,
};
use crate::error::ApiError;
use crate::routes::extract::{MeterCredential, Visitor};
use crate::state::AppState;
use chrono::{DateTime, Utc};
use std::sync::Arc;

/// What the gate needs to decide for one visitor.
pub struct Gate {
    subscriptions: Option<Arc<Vec<SubscriptionSnapshot>>>,
    current_issue: Option<i32>,
    gift: Option<GiftLinkRow>,
    meter: Option<VisitorMeter>,
    now: DateTime<Utc>,
}

/// The meter that applies to this visitor: where it is kept (`None` for an
/// anonymous visitor who has none yet: their count is zero) and its count.
pub struct VisitorMeter {
    /// The meter's id, when it exists.
    pub id: Option<String>,
    /// The allowance, window and reads.
    pub meter: Meter,
}

impl Gate {
    /// Loads the visitor's subscription snapshots and the current issue.
    pub async fn for_visitor(state: &AppState, visitor: &Visitor) -> Result<Self, ApiError> {
        let subscriptions = match visitor.reader_id() {
            Some(reader) => Some(state.cache.snapshots(&state.db, reader).await?),
            None => None,
        };
        Ok(Self {
            subscriptions,
            current_issue: state.cache.current_issue(&state.db).await?,
            gift: None,
            meter: None,
            now: state.clock.now(),
        })
    }

    /// Adds the visitor's meter when the metered paywall applies to them:
    /// a reader's account meter (`MASTHEAD_METER_REGISTERED`), or an
    /// anonymous visitor's (`MASTHEAD_METER_ANONYMOUS`, and consent where
    /// it is required). A reader with a subscription that grants access now
    /// is not metered (their tier decides), so their page views never read
    /// a meter.
    pub async fn with_meter(
        mut self,
        state: &AppState,
        visitor: &Visitor,
        credential: &MeterCredential,
    ) -> Result<Self, ApiError> {
        let policy = state.settings.meter_policy();
        let subscribed = self
            .subscriptions
            .as_ref()
            .is_some_and(|subs| subs.iter().any(|s| s.grants_access(self.now)));
        if subscribed {
            return Ok(self);
        }
        let id = match visitor.reader_id() {
            Some(reader) => Some(reader_meter(reader)),
            None if credential.consented => credential.meter_id.clone(),
            None => return Ok(self),
        };
        let Some(limit) = policy.limit_for(visitor.reader_id().is_some()) else {
            return Ok(self);
        };
        let window = policy.window();
        let reads = match &id {
            Some(id) => {
                state
                    .cache
                    .meter_reads(&state.db, id, self.now - window)
                    .await?
            }
            None => Arc::default(),
        };
        self.meter = Some(VisitorMeter {
            id,
            meter: Meter {
                limit,
                window,
                reads,
            },
        });
        Ok(self)
    }

    /// The visitor's meter, when one applies.
    pub fn meter(&self) -> Option<&VisitorMeter> {
        self.meter.as_ref()
    }

    /// Where a full read by this visitor is counted: their meter's id, or
    /// `fresh` (a new anonymous visitor's, just issued).
    pub fn meter_slot(&self, fresh: Option<String>) -> Option<MeterSlot> {
        let meter = self.meter.as_ref()?;
        Some(MeterSlot {
            id: meter.id.clone().or(fresh)?,
            limit: meter.meter.limit,
            window: meter.meter.window,
        })
    }

    /// The time the gate decides at.
    pub fn now(&self) -> DateTime<Utc> {
        self.now
    }

    /// Adds the gift link a `?gift=` token names (none for a forged,
    /// altered or unknown token), read fresh from the database.
    pub async fn with_gift(
        mut self,
        state: &AppState,
        token: Option<&str>,
    ) -> Result<Self, ApiError> {
        if let Some(token) = token {
            self.gift = presented_gift_link(&state.db, token).await?;
        }
        Ok(self)
    }

    /// The presented gift link, when it still opens `article` now.
    pub fn working_gift(&self, article: &PublishedArticle) -> Option<&GiftLinkRow> {
        self.gift
            .as_ref()
            .filter(|link| link.pass().opens(&article.id, self.now))
    }

    fn viewer(&self) -> Viewer<'_> {
        match &self.subscriptions {
            Some(subscriptions) => Viewer::Reader { subscriptions },
            None => Viewer::Anonymous,
        }
    }

    fn decide(&self, resource: Resource) -> AccessDecision {
        decide(&self.viewer(), &resource, self.now)
    }

    fn decide_about(&self, resource: Resource, article: &PublishedArticle) -> ArticleAccess {
        self.decide_with(resource, article, self.meter.as_ref().map(|m| &m.meter))
    }

    fn decide_with(
        &self,
        resource: Resource,
        article: &PublishedArticle,
        meter: Option<&Meter>,
    ) -> ArticleAccess {
        let pass = self.gift.as_ref().map(GiftLinkRow::pass);
        let meter = meter.map(|meter| MeterPass {
            meter,
            rule: article.meter_rule,
        });
        decide_article(
            &self.viewer(),
            &resource,
            &article.id,
            pass.as_ref(),
            meter,
            self.now,
        )
    }

    fn article_resource(&self, article: &PublishedArticle) -> Resource {
        Resource::Article {
            visibility: Self::visibility(article),
            in_past_issue: self.is_past_issue(article.issue_number),
        }
    }

    /// Whether an issue number is older than the current issue.
    pub fn is_past_issue(&self, issue: Option<i32>) -> bool {
        matches!((issue, self.current_issue), (Some(issue), Some(current)) if issue < current)
    }

    fn visibility(article: &PublishedArticle) -> Visibility {
        // An unknown stored visibility already decoded as the most restrictive.
        article.visibility
    }

    /// May the visitor read the article's full text, and what their meter
    /// says (reported, nothing used up)?
    pub fn article(&self, article: &PublishedArticle) -> ArticleAccess {
        self.decide_about(self.article_resource(article), article)
    }

    /// The article's answer again with `meter` as it stands after a read
    /// was counted (or refused) under the meter's lock.
    pub fn article_with_meter(&self, article: &PublishedArticle, meter: &Meter) -> ArticleAccess {
        self.decide_with(self.article_resource(article), article, Some(meter))
    }

    /// May the visitor play the article's audio? (Neither a gift link nor
    /// the meter ever opens it.)
    pub fn audio(&self, article: &PublishedArticle) -> AccessDecision {
        self.decide_about(
            Resource::Audio {
                visibility: Self::visibility(article),
                in_past_issue: self.is_past_issue(article.issue_number),
            },
            article,
        )
        .decision
    }

    /// May the visitor download an issue's digital edition?
    pub fn edition(&self, issue_number: i32) -> AccessDecision {
        self.decide(Resource::Edition {
            in_past_issue: self.is_past_issue(Some(issue_number)),
        })
    }
}

/// Turns a refusal into the problem the media endpoints answer with.
pub fn require(decision: AccessDecision) -> Result<(), ApiError> {
    match decision {
        AccessDecision::Granted | AccessDecision::GiftLink | AccessDecision::Metered { .. } => {
            Ok(())
        }
        AccessDecision::Denied(denial) => Err(ApiError::AccessDenied(denial)),
    }
}
