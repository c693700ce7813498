//! Claiming due jobs for this instance's workers.

use super::lease::Lease;
use crate::db::{self, Database, jobs::JobRow};

/// Claims up to `limit` due jobs (including ones whose worker died) for
/// `lease`. On PostgreSQL `FOR UPDATE SKIP LOCKED` lets instances claim
/// side by side, each taking rows the others have not locked; on SQLite
/// the single writer serialises claims.
pub async fn due(db: &Database, lease: Lease, limit: i64) -> anyhow::Result<Vec<JobRow>> {
    let rows = db
        .run(move |conn| {
            let now = chrono::Utc::now().naive_utc();
            Ok(db::jobs::claim_due(conn, now, lease.until(now), limit)?)
        })
        .await?;
    Ok(rows)
}
