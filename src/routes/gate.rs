//! The gate as handlers use it: one visitor's subscriptions and the current
//! issue loaded once per request (from the cache), then a pure decision per
//! resource.

use crate::catalogue::gift_links::open::presented_gift_link;
use crate::db::catalogue::PublishedArticle;
use crate::db::gift_links::GiftLinkRow;
use crate::domain::{
    AccessDecision, Resource, SubscriptionSnapshot, Viewer, Visibility, decide, decide_with_gift,
};
use crate::error::ApiError;
use crate::routes::extract::Visitor;
use crate::state::AppState;
use chrono::{DateTime, Utc};
use std::sync::Arc;

/// What the gate needs to decide for one visitor.
pub struct Gate {
    subscriptions: Option<Arc<Vec<SubscriptionSnapshot>>>,
    current_issue: Option<i32>,
    gift: Option<GiftLinkRow>,
    now: DateTime<Utc>,
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
            now: Utc::now(),
        })
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

    fn decide(&self, resource: Resource) -> AccessDecision {
        self.decide_for(resource, None)
    }

    fn decide_for(&self, resource: Resource, article: Option<&PublishedArticle>) -> AccessDecision {
        let viewer = match &self.subscriptions {
            Some(subscriptions) => Viewer::Reader { subscriptions },
            None => Viewer::Anonymous,
        };
        match (&self.gift, article) {
            (Some(link), Some(article)) => {
                decide_with_gift(&viewer, &resource, &article.id, &link.pass(), self.now)
            }
            _ => decide(&viewer, &resource, self.now),
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

    /// May the visitor read the article's full text?
    pub fn article(&self, article: &PublishedArticle) -> AccessDecision {
        self.decide_for(
            Resource::Article {
                visibility: Self::visibility(article),
                in_past_issue: self.is_past_issue(article.issue_number),
            },
            Some(article),
        )
    }

    /// May the visitor play the article's audio? (A gift link never opens it.)
    pub fn audio(&self, article: &PublishedArticle) -> AccessDecision {
        self.decide_for(
            Resource::Audio {
                visibility: Self::visibility(article),
                in_past_issue: self.is_past_issue(article.issue_number),
            },
            Some(article),
        )
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
        AccessDecision::Granted | AccessDecision::GiftLink => Ok(()),
        AccessDecision::Denied(denial) => Err(ApiError::AccessDenied(denial)),
    }
}
