//! A gift link presented with an article request: looked up by the hash
//! of its token, and counted when it opened the full text.

use crate::auth::gift_link_token_hash;
use crate::db::gift_links::{self, GiftLinkRow};
use crate::db::{self, Database};
use crate::error::ApiError;

/// The link a presented token names, if any (a forged or altered token
/// names none). Read fresh, never cached: a revocation or refund takes
/// effect at once.
pub async fn presented_gift_link(
    db: &Database,
    token: &str,
) -> Result<Option<GiftLinkRow>, ApiError> {
    if token.is_empty() || token.len() > 128 {
        return Ok(None);
    }
    let hash = gift_link_token_hash(token);
    db.run(move |conn| Ok(db::gift_links::find_by_hash(conn, &hash)?))
        .await
}

/// Counts one full read through the link (once per request).
pub async fn count_gift_link_open(db: &Database, link: &GiftLinkRow) -> Result<(), ApiError> {
    let id = link.id.clone();
    db.run(move |conn| Ok(gift_links::count_open(conn, &id)?))
        .await
}
