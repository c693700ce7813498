//! The gift links a reader made, with their openings, for their account
//! and for staff.

use super::still_works;
use crate::db::{self, Database};
use crate::domain::{Paging, ReaderId};
use crate::error::ApiError;
use chrono::{DateTime, Utc};

/// One link as its giver (or staff) sees it. The token is not shown: only
/// its hash is kept.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct GiftLinkEntry {
    /// The link's id (`DELETE /v1/me/gift-links/{token}` takes it too).
    pub id: String,
    /// The article's slug.
    pub article_slug: String,
    /// The article's headline.
    pub article_title: String,
    /// Whether an editor made it for the magazine (no allowance).
    pub publisher: bool,
    /// Full reads through the link.
    pub opens: i32,
    /// Whether it still opens the article now.
    pub valid: bool,
    /// When it was made.
    pub created_at: DateTime<Utc>,
    /// When it stops working, if ever.
    pub expires_at: Option<DateTime<Utc>>,
    /// When its giver revoked it.
    pub revoked_at: Option<DateTime<Utc>>,
}

/// A page of the links `giver` made, newest first, and the total.
pub async fn gift_links_of(
    db: &Database,
    giver: ReaderId,
    paging: Paging,
) -> Result<(Vec<GiftLinkEntry>, i64), ApiError> {
    let (rows, total) = db
        .run(move |conn| Ok(db::gift_links::for_giver(conn, &giver, paging)?))
        .await?;
    let now = Utc::now();
    let items = rows
        .into_iter()
        .map(|row| GiftLinkEntry {
            valid: still_works(&row, now),
            id: row.id,
            article_slug: row.article_slug,
            article_title: row.article_title,
            publisher: row.publisher != 0,
            opens: row.opens,
            created_at: row.created_at.and_utc(),
            expires_at: row.expires_at.map(|t| t.and_utc()),
            revoked_at: row.revoked_at.map(|t| t.and_utc()),
        })
        .collect();
    Ok((items, total))
}
