//! One-click unsubscribe (RFC 8058): the token of an optional email's
//! `List-Unsubscribe` link turns its list off for its reader, without a
//! login. A token that does not verify is refused with the same answer
//! whatever is wrong with it (forged, altered, another key's), so the
//! endpoint tells a prober nothing about readers.

use crate::auth::UnsubscribeTokens;
use crate::db::{self, Database};
use crate::domain::EmailList;
use crate::error::ApiError;

/// 404 for a token that is not one of ours, or was altered.
pub fn unsubscribe_link_invalid() -> ApiError {
    ApiError::not_found(
        "unsubscribe_link_invalid",
        "this unsubscribe link is not valid; the reader can turn optional emails off from their account",
    )
}

/// Takes the reader `token` names off the list it names; the list left.
/// Idempotent: the second click answers as the first.
pub async fn unsubscribe(
    db: &Database,
    tokens: &UnsubscribeTokens,
    token: &str,
) -> Result<EmailList, ApiError> {
    let unsubscribe = tokens.verify(token).ok_or_else(unsubscribe_link_invalid)?;
    let reader = unsubscribe.reader;
    let list = unsubscribe.list;
    db.run(move |conn| {
        let now = chrono::Utc::now().naive_utc();
        let found = match list {
            EmailList::ProductUpdates => db::readers::stop_product_updates(conn, &reader, now)?,
        };
        if found {
            tracing::info!(reader = %reader, list = list.as_str(), "unsubscribed");
            Ok(list)
        } else {
            Err(unsubscribe_link_invalid())
        }
    })
    .await
}
