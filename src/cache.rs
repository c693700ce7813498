//! What the gate reads on every page view, kept in memory for a short TTL
//! (`MASTHEAD_CACHE_TTL_SECONDS`, default 30 s): published articles, the
//! current issue number, readers' subscription snapshots, live sessions and
//! the metered paywall's counted reads.
//!
//! Changes made through this instance invalidate the affected entries at
//! once. Another instance's change (a refund, a cancellation, a logout) is
//! seen here within the TTL: that bounds how long a stale grant can last.

use crate::db::{self, Database, catalogue::PublishedArticle};
use crate::domain::{MeteredRead, ReaderId, Role, SessionId, SubscriptionSnapshot};
use crate::error::ApiError;
use chrono::{DateTime, Utc};
use moka::sync::Cache;
use std::sync::Arc;
use std::time::Duration;

/// The caches of one instance. A clone shares the entries (moka's caches
/// are handles), so the jobs that change what readers see (narration) can
/// forget the same entries the handlers read.
#[derive(Clone)]
pub struct AppCache {
    live_sessions: Cache<String, Option<(String, Role)>>,
    entitlements: Cache<String, Arc<Vec<SubscriptionSnapshot>>>,
    articles: Cache<String, Option<Arc<PublishedArticle>>>,
    current_issue: Cache<(), Option<i32>>,
    meters: Cache<String, Arc<Vec<MeteredRead>>>,
}

fn cache<K, V>(entries: u64, ttl: Duration) -> Cache<K, V>
where
    K: std::hash::Hash + Eq + Send + Sync + 'static,
    V: Clone + Send + Sync + 'static,
{
    Cache::builder()
        .max_capacity(entries)
        .time_to_live(ttl)
        .build()
}

impl AppCache {
    /// Caches whose entries live at most `ttl`.
    pub fn new(ttl: Duration) -> Self {
        Self {
            live_sessions: cache(100_000, ttl),
            entitlements: cache(100_000, ttl),
            articles: cache(10_000, ttl),
            current_issue: cache(1, ttl),
            meters: cache(100_000, ttl),
        }
    }

    /// The role of a reader whose session is live, or `None` when the
    /// session is revoked, expired, disabled, or not that reader's.
    pub async fn live_session(
        &self,
        db: &Database,
        session: &SessionId,
        reader: &ReaderId,
    ) -> Result<Option<Role>, ApiError> {
        let live = if let Some(live) = self.live_sessions.get(session.as_str()) {
            live
        } else {
            let (s, r) = (session.clone(), reader.clone());
            let row = db
                .run(move |conn| Ok(db::sessions::live_reader(conn, &s, &r)?))
                .await?;
            let live = row.map(|row| (row.id.clone(), row.role()));
            self.live_sessions.insert(session.to_string(), live.clone());
            live
        };
        Ok(live
            .filter(|(owner, _)| owner == reader.as_str())
            .map(|(_, role)| role))
    }

    /// Forgets cached session liveness after any revocation here.
    pub fn sessions_changed(&self) {
        self.live_sessions.invalidate_all();
    }

    /// A reader's subscriptions with their tiers' perks, for the gate.
    pub async fn snapshots(
        &self,
        db: &Database,
        reader: &ReaderId,
    ) -> Result<Arc<Vec<SubscriptionSnapshot>>, ApiError> {
        if let Some(snapshots) = self.entitlements.get(reader.as_str()) {
            return Ok(snapshots);
        }
        let id = reader.clone();
        let snapshots = Arc::new(
            db.run(move |conn| Ok(db::subscriptions::snapshots_for_reader(conn, &id)?))
                .await?,
        );
        self.entitlements
            .insert(reader.to_string(), snapshots.clone());
        Ok(snapshots)
    }

    /// A reader's subscriptions for a rare, one-off read (the `perks` claim
    /// of a new access token): from the cache when there, else from the
    /// database without caching them, so what the gate caches stays decided
    /// by the gate's own reads.
    pub async fn snapshots_without_filling(
        &self,
        db: &Database,
        reader: &ReaderId,
    ) -> Result<Arc<Vec<SubscriptionSnapshot>>, ApiError> {
        if let Some(snapshots) = self.entitlements.get(reader.as_str()) {
            return Ok(snapshots);
        }
        let id = reader.clone();
        Ok(Arc::new(
            db.run(move |conn| Ok(db::subscriptions::snapshots_for_reader(conn, &id)?))
                .await?,
        ))
    }

    /// A reader's snapshots if the cache holds them, without reading the
    /// database: for a use case that reads them itself, on a connection it
    /// already holds (the login), rather than in a round trip of its own.
    pub fn cached_snapshots(&self, reader: &ReaderId) -> Option<Arc<Vec<SubscriptionSnapshot>>> {
        self.entitlements.get(reader.as_str())
    }

    /// Forgets a reader's snapshots after their subscription changed here.
    pub fn subscriptions_changed(&self, reader: &ReaderId) {
        self.entitlements.invalidate(reader.as_str());
    }

    /// Forgets every reader's snapshots (a tier's perks changed).
    pub fn tiers_changed(&self) {
        self.entitlements.invalidate_all();
    }

    /// The reads counted on `meter` after `since`. Only a read that might
    /// count is decided from these; counting one re-reads them under the
    /// meter's lock, so a stale entry can never overrun the allowance.
    pub async fn meter_reads(
        &self,
        db: &Database,
        meter: &str,
        since: DateTime<Utc>,
    ) -> Result<Arc<Vec<MeteredRead>>, ApiError> {
        if let Some(reads) = self.meters.get(meter) {
            return Ok(reads);
        }
        let id = meter.to_owned();
        let reads = Arc::new(
            db.run(move |conn| Ok(db::meters::reads(conn, &id, since)?))
                .await?,
        );
        self.meters.insert(meter.to_owned(), reads.clone());
        Ok(reads)
    }

    /// Remembers a meter's reads as they stand after a write here.
    pub fn meter_changed(&self, meter: &str, reads: Arc<Vec<MeteredRead>>) {
        self.meters.insert(meter.to_owned(), reads);
    }

    /// A published article by slug (`None` when absent or unpublished).
    pub async fn article(
        &self,
        db: &Database,
        slug: &str,
    ) -> Result<Option<Arc<PublishedArticle>>, ApiError> {
        if let Some(article) = self.articles.get(slug) {
            return Ok(article);
        }
        let key = slug.to_owned();
        let article = db
            .run(move |conn| Ok(db::catalogue::published_article(conn, &key)?))
            .await?
            .map(Arc::new);
        self.articles.insert(slug.to_owned(), article.clone());
        Ok(article)
    }

    /// The number of the newest published issue; older ones are the archive.
    pub async fn current_issue(&self, db: &Database) -> Result<Option<i32>, ApiError> {
        if let Some(number) = self.current_issue.get(&()) {
            return Ok(number);
        }
        let number = db
            .run(|conn| Ok(db::catalogue::current_issue_number(conn)?))
            .await?;
        self.current_issue.insert((), number);
        Ok(number)
    }

    /// Forgets catalogue entries after an editor changed the catalogue here.
    pub fn catalogue_changed(&self) {
        self.articles.invalidate_all();
        self.current_issue.invalidate_all();
    }
}
