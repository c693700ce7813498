//! A giver revokes one of their gift links. Idempotent: revoking a revoked
//! link answers the same; someone else's link is not found.

use crate::auth::gift_link_token_hash;
use crate::db::{self, Database};
use crate::domain::ReaderId;
use crate::error::ApiError;
use chrono::Utc;

/// Revokes the giver's link named by its token (or by the id the list
/// shows); 404 `gift_link_not_found` when the giver has no such link.
pub async fn revoke_gift_link(
    db: &Database,
    giver: ReaderId,
    token: String,
) -> Result<(), ApiError> {
    let hash = gift_link_token_hash(&token);
    let found = db
        .run(move |conn| {
            let now = Utc::now().naive_utc();
            Ok(db::gift_links::revoke(conn, &giver, &token, &hash, now)?)
        })
        .await?;
    if found {
        Ok(())
    } else {
        Err(ApiError::not_found(
            "gift_link_not_found",
            "you have no gift link with this token",
        ))
    }
}
