//! What the gate reads on every page view, kept in memory for a short TTL
//! (`MASTHEAD_CACHE_TTL_SECONDS`, default 30 s): published articles, the
//! current issue number, readers' subscription snapshots, live sessions and
//! the metered paywall's counted reads.
//!
//! Changes made through this instance invalidate the affected entries at
//! once. On PostgreSQL, another instance's change (a refund, a
//! cancellation, a logout) reaches here as a notification from its
//! transaction (`crate::cache_listener`) and invalidates the same entries
//! within moments; the TTL bounds a stale grant only while that channel is
//! down (on SQLite there is no other instance).
//!
//! An entry read from the database while an invalidation happens could
//! hold what the change replaced: every invalidation moves a generation
//! counter on, and a read started in an older generation is answered but
//! not kept.

mod cached_article;

use crate::db::{self, Database};
use crate::domain::{MeteredRead, ReaderId, Role, SessionId, SubscriptionSnapshot};
use crate::error::ApiError;
pub use cached_article::{CachedArticle, RenderedPage};
use chrono::{DateTime, Utc};
use moka::sync::Cache;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// The caches of one instance. A clone shares the entries (moka's caches
/// are handles), so the jobs that change what readers see (narration) can
/// forget the same entries the handlers read.
#[derive(Clone)]
pub struct AppCache {
    live_sessions: Cache<String, Option<(String, Role)>>,
    entitlements: Cache<String, Arc<Vec<SubscriptionSnapshot>>>,
    articles: Cache<String, Option<Arc<CachedArticle>>>,
    current_issue: Cache<(), Option<i32>>,
    meters: Cache<String, Arc<Vec<MeteredRead>>>,
    /// Moved on by every invalidation (see the module's doc).
    generation: Arc<AtomicU64>,
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

/// The articles, bounded by their bytes rather than their number: a
/// magazine's archive of short pieces fits whole, while long features take
/// the room they use (a count would hold 10,000 entries of 2 KB or of 200 KB
/// alike). A missing article (`None`) weighs its key and the fixed part.
fn article_cache(bytes: u64, ttl: Duration) -> Cache<String, Option<Arc<CachedArticle>>> {
    Cache::builder()
        .max_capacity(bytes)
        .weigher(|slug: &String, article: &Option<Arc<CachedArticle>>| {
            let slug = u32::try_from(slug.len()).unwrap_or(u32::MAX);
            article
                .as_ref()
                .map_or(1_024, |a| a.weight())
                .saturating_add(slug)
        })
        .time_to_live(ttl)
        .build()
}

impl AppCache {
    /// Caches whose entries live at most `ttl`, the articles within
    /// `article_bytes` (`MASTHEAD_ARTICLE_CACHE_BYTES`).
    pub fn new(ttl: Duration, article_bytes: u64) -> Self {
        Self {
            live_sessions: cache(100_000, ttl),
            entitlements: cache(100_000, ttl),
            articles: article_cache(article_bytes, ttl),
            current_issue: cache(1, ttl),
            meters: cache(100_000, ttl),
            generation: Arc::new(AtomicU64::new(0)),
        }
    }

    /// The generation a database read starts in.
    fn stamp(&self) -> u64 {
        self.generation.load(Ordering::Acquire)
    }

    /// Keeps `value` under `key` unless an invalidation happened since the
    /// read that produced it began (at `stamp`).
    fn keep<V>(&self, cache: &Cache<String, V>, key: &str, value: V, stamp: u64)
    where
        V: Clone + Send + Sync + 'static,
    {
        if self.stamp() == stamp {
            cache.insert(key.to_owned(), value);
        }
    }

    /// Marks an invalidation: reads begun before it are not kept.
    fn invalidated(&self) {
        self.generation.fetch_add(1, Ordering::AcqRel);
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
            let stamp = self.stamp();
            let (s, r) = (session.clone(), reader.clone());
            let row = db
                .run(move |conn| Ok(db::sessions::live_reader(conn, &s, &r)?))
                .await?;
            let live = row.map(|(row, _)| (row.id.clone(), row.role()));
            self.keep(&self.live_sessions, session.as_str(), live.clone(), stamp);
            live
        };
        Ok(live
            .filter(|(owner, _)| owner == reader.as_str())
            .map(|(_, role)| role))
    }

    /// Forgets cached session liveness after any revocation here.
    pub fn sessions_changed(&self) {
        self.invalidated();
        self.live_sessions.invalidate_all();
    }

    /// Forgets one session's cached liveness (revoked elsewhere).
    pub fn session_changed(&self, session: &str) {
        self.invalidated();
        self.live_sessions.invalidate(session);
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
        let stamp = self.stamp();
        let id = reader.clone();
        let snapshots = Arc::new(
            db.run(move |conn| Ok(db::subscriptions::snapshots_for_reader(conn, &id)?))
                .await?,
        );
        self.keep(
            &self.entitlements,
            reader.as_str(),
            snapshots.clone(),
            stamp,
        );
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
        self.invalidated();
        self.entitlements.invalidate(reader.as_str());
    }

    /// Forgets every reader's snapshots (a tier's perks changed).
    pub fn tiers_changed(&self) {
        self.invalidated();
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
        let stamp = self.stamp();
        let id = meter.to_owned();
        let reads = Arc::new(
            db.run(move |conn| Ok(db::meters::reads(conn, &id, since)?))
                .await?,
        );
        self.keep(&self.meters, meter, reads.clone(), stamp);
        Ok(reads)
    }

    /// Remembers a meter's reads as they stand after a write here.
    pub fn meter_changed(&self, meter: &str, reads: Arc<Vec<MeteredRead>>) {
        self.meters.insert(meter.to_owned(), reads);
    }

    /// Forgets a meter's reads (counted elsewhere).
    pub fn meter_forgotten(&self, meter: &str) {
        self.invalidated();
        self.meters.invalidate(meter);
    }

    /// A published article by slug (`None` when absent or unpublished).
    pub async fn article(
        &self,
        db: &Database,
        slug: &str,
    ) -> Result<Option<Arc<CachedArticle>>, ApiError> {
        if let Some(article) = self.articles.get(slug) {
            return Ok(article);
        }
        let stamp = self.stamp();
        let key = slug.to_owned();
        let article = db
            .run(move |conn| Ok(db::catalogue::published_article(conn, &key)?))
            .await?
            .map(|row| Arc::new(CachedArticle::new(row)));
        self.keep(&self.articles, slug, article.clone(), stamp);
        Ok(article)
    }

    /// The number of the newest published issue; older ones are the archive.
    pub async fn current_issue(&self, db: &Database) -> Result<Option<i32>, ApiError> {
        if let Some(number) = self.current_issue.get(&()) {
            return Ok(number);
        }
        let stamp = self.stamp();
        let number = db
            .run(|conn| Ok(db::catalogue::current_issue_number(conn)?))
            .await?;
        if self.stamp() == stamp {
            self.current_issue.insert((), number);
        }
        Ok(number)
    }

    /// Forgets catalogue entries after an editor changed the catalogue here.
    pub fn catalogue_changed(&self) {
        self.invalidated();
        self.articles.invalidate_all();
        self.current_issue.invalidate_all();
    }

    /// Forgets everything (the notification channel was down, so changes
    /// made elsewhere meanwhile are unknown).
    pub fn everything_changed(&self) {
        self.invalidated();
        self.live_sessions.invalidate_all();
        self.entitlements.invalidate_all();
        self.articles.invalidate_all();
        self.current_issue.invalidate_all();
        self.meters.invalidate_all();
    }
}
