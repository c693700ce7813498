//! The gate as handlers use it: one visitor's subscriptions and the current
//! issue loaded once per request (from the cache), then a pure decision per
//! resource.

use crate::db::catalogue::PublishedArticle;
use crate::domain::{AccessDecision, Resource, SubscriptionSnapshot, Viewer, Visibility, decide};
use crate::error::ApiError;
use crate::routes::extract::Visitor;
use crate::state::AppState;
use chrono::{DateTime, Utc};
use std::sync::Arc;

/// What the gate needs to decide for one visitor.
pub struct Gate {
    subscriptions: Option<Arc<Vec<SubscriptionSnapshot>>>,
    current_issue: Option<i32>,
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
            now: Utc::now(),
        })
    }

    fn decide(&self, resource: Resource) -> AccessDecision {
        let viewer = match &self.subscriptions {
            Some(subscriptions) => Viewer::Reader { subscriptions },
            None => Viewer::Anonymous,
        };
        decide(&viewer, &resource, self.now)
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
        self.decide(Resource::Article {
            visibility: Self::visibility(article),
            in_past_issue: self.is_past_issue(article.issue_number),
        })
    }

    /// May the visitor play the article's audio?
    pub fn audio(&self, article: &PublishedArticle) -> AccessDecision {
        self.decide(Resource::Audio {
            visibility: Self::visibility(article),
            in_past_issue: self.is_past_issue(article.issue_number),
        })
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
        AccessDecision::Granted => Ok(()),
        AccessDecision::Denied(denial) => Err(ApiError::AccessDenied(denial)),
    }
}
