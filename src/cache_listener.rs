//! Instances that agree at once (PostgreSQL). Every write that changes
//! what the gate caches sends a `NOTIFY masthead_cache` from its own
//! transaction (triggers of migration `2026-12-04-000303_cache_notifications`),
//! so PostgreSQL delivers it exactly when the change commits, whichever
//! instance — or whichever tool — made it. Each instance keeps one
//! connection that `LISTEN`s and drops the entries a notification names.
//!
//! The connection is polled (libpq reads whatever notifications have
//! arrived without a round trip; see diesel's `notifications_iter`) every
//! [`POLL`], and pinged every [`PING`] so a silently dead connection is
//! noticed. When it fails the listener reconnects by itself, backing off
//! up to [`MAX_BACKOFF`]; meanwhile the cache lifetime bounds staleness as
//! before, and on every (re)connection the whole cache is dropped, since
//! what changed while nobody listened is unknown.

use crate::cache::AppCache;
use crate::domain::ReaderId;
use diesel::pg::PgConnection;
use diesel::{Connection, RunQueryDsl};
use std::time::{Duration, Instant};

/// The channel the triggers notify on.
pub const CHANNEL: &str = "masthead_cache";
/// How often arrived notifications are applied.
const POLL: Duration = Duration::from_millis(50);
/// How often the connection is checked with a query.
const PING: Duration = Duration::from_secs(5);
/// The longest wait before reconnecting.
const MAX_BACKOFF: Duration = Duration::from_secs(30);

/// What one notification says changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CacheChange {
    /// A reader's subscriptions (`reader:<id>`).
    Reader(String),
    /// One session was revoked or deleted (`session:<id>`).
    Session(String),
    /// A reader's role or disabled state (`sessions`): every session.
    Sessions,
    /// A tier's perks (`tiers`).
    Tiers,
    /// Articles, issues or their media (`catalogue`).
    Catalogue,
    /// A meter's counted reads (`meter:<id>`).
    Meter(String),
}

impl CacheChange {
    /// The change a payload names; `None` for one this release does not
    /// know (a newer instance's), which is ignored.
    pub fn parse(payload: &str) -> Option<Self> {
        let named = |prefix: &str| {
            payload
                .strip_prefix(prefix)
                .filter(|id| !id.is_empty())
                .map(str::to_owned)
        };
        match payload {
            "sessions" => Some(Self::Sessions),
            "tiers" => Some(Self::Tiers),
            "catalogue" => Some(Self::Catalogue),
            _ => named("reader:")
                .map(Self::Reader)
                .or_else(|| named("session:").map(Self::Session))
                .or_else(|| named("meter:").map(Self::Meter)),
        }
    }

    /// Drops what the change makes stale.
    pub fn apply(&self, cache: &AppCache) {
        match self {
            Self::Reader(id) => cache.subscriptions_changed(&ReaderId::from_db(id.clone())),
            Self::Session(id) => cache.session_changed(id),
            Self::Sessions => cache.sessions_changed(),
            Self::Tiers => cache.tiers_changed(),
            Self::Catalogue => cache.catalogue_changed(),
            Self::Meter(id) => cache.meter_forgotten(id),
        }
    }
}

/// Starts listening for this instance's `cache` when the database is
/// PostgreSQL (a task of the current runtime: it ends with it).
pub fn start(settings: &crate::settings::Settings, cache: &AppCache) {
    if settings.uses_postgres() {
        tokio::spawn(listen(settings.database_url(), cache.clone()));
    }
}

async fn listen(url: String, cache: AppCache) {
    let mut backoff = Duration::from_millis(250);
    loop {
        let target = url.clone();
        match tokio::task::spawn_blocking(move || connect(&target)).await {
            Ok(Ok(conn)) => {
                cache.everything_changed();
                backoff = Duration::from_millis(250);
                tracing::info!("listening for other instances' cache changes");
                let error = follow(conn, &cache).await;
                tracing::warn!(%error, "lost the cache notification channel; reconnecting (the cache lifetime bounds staleness meanwhile)");
            }
            Ok(Err(error)) => {
                tracing::warn!(%error, "cannot listen for cache changes; trying again");
            }
            Err(error) => tracing::error!(%error, "the cache listener's connection task failed"),
        }
        tokio::time::sleep(backoff).await;
        backoff = (backoff * 2).min(MAX_BACKOFF);
    }
}

/// The `application_name` of the listening connection, so an operator
/// (and the reconnection test) can tell it apart in `pg_stat_activity`.
pub const APPLICATION_NAME: &str = "masthead cache listener";

fn connect(url: &str) -> anyhow::Result<PgConnection> {
    let mut conn = PgConnection::establish(url)?;
    diesel::sql_query(format!("SET application_name = '{APPLICATION_NAME}'")).execute(&mut conn)?;
    diesel::sql_query(format!("LISTEN {CHANNEL}")).execute(&mut conn)?;
    Ok(conn)
}

/// Applies notifications until the connection fails; returns why.
async fn follow(mut conn: PgConnection, cache: &AppCache) -> anyhow::Error {
    let mut ticks = tokio::time::interval(POLL);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut pinged = Instant::now();
    loop {
        ticks.tick().await;
        let ping = pinged.elapsed() >= PING;
        if ping {
            pinged = Instant::now();
        }
        let polled = tokio::task::spawn_blocking(move || {
            let payloads = drain(&mut conn, ping);
            (conn, payloads)
        })
        .await;
        let payloads = match polled {
            Ok((returned, payloads)) => {
                conn = returned;
                payloads
            }
            Err(error) => return error.into(),
        };
        match payloads {
            Ok(payloads) => {
                for payload in payloads {
                    if let Some(change) = CacheChange::parse(&payload) {
                        change.apply(cache);
                    } else {
                        tracing::debug!(%payload, "unknown cache notification; ignored");
                    }
                }
            }
            Err(error) => return error.into(),
        }
    }
}

/// The payloads arrived so far (after a `SELECT 1` when `ping`).
fn drain(conn: &mut PgConnection, ping: bool) -> diesel::QueryResult<Vec<String>> {
    if ping {
        diesel::sql_query("SELECT 1").execute(conn)?;
    }
    conn.notifications_iter()
        .map(|notification| notification.map(|n| n.payload))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::CacheChange;

    #[test]
    fn payloads_name_what_changed() {
        assert_eq!(
            CacheChange::parse("reader:r-1"),
            Some(CacheChange::Reader("r-1".into()))
        );
        assert_eq!(
            CacheChange::parse("session:s-1"),
            Some(CacheChange::Session("s-1".into()))
        );
        assert_eq!(
            CacheChange::parse("meter:v1:abc"),
            Some(CacheChange::Meter("v1:abc".into()))
        );
        assert_eq!(CacheChange::parse("sessions"), Some(CacheChange::Sessions));
        assert_eq!(CacheChange::parse("tiers"), Some(CacheChange::Tiers));
        assert_eq!(
            CacheChange::parse("catalogue"),
            Some(CacheChange::Catalogue)
        );
    }

    #[test]
    fn an_unknown_or_empty_payload_is_ignored() {
        for payload in ["", "reader:", "everything", "reader", "Reader:r-1"] {
            assert_eq!(CacheChange::parse(payload), None, "{payload}");
        }
    }
}
