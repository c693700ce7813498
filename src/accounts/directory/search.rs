//! Support's search of the reader directory.

use crate::accounts::Accounts;
use crate::db::reader_directory::{Found, ReaderSearch};
use crate::db::subscriptions::WithPerks;
use crate::db::{self, readers::ReaderRow};
use crate::domain::{FieldError, Paging};
use crate::error::ApiError;

/// One page of a search: the readers, their subscriptions (with perks, to
/// say which grants access now), and how many readers match, counted up
/// to [`TOTAL_CAP`](crate::db::reader_directory::TOTAL_CAP).
pub struct SearchPage {
    /// The readers on this page, in the search's order.
    pub readers: Vec<ReaderRow>,
    /// Every subscription of those readers.
    pub subscriptions: Vec<WithPerks>,
    /// Readers matching the search on every page, at most [`TOTAL_CAP`](crate::db::reader_directory::TOTAL_CAP).
    pub total: i64,
    /// `false` when more than `total` readers match.
    pub total_exact: bool,
}

/// Runs `search` for the page `paging` asks for. A tier filter that
/// names no tier is 422 `unknown_tier` (rather than an empty page that
/// hides a typo).
pub async fn search_readers(
    accounts: &Accounts<'_>,
    search: ReaderSearch,
    paging: Paging,
) -> Result<SearchPage, ApiError> {
    accounts
        .db
        .run(move |conn| {
            if let Some(tier) = &search.tier
                && db::tiers::find(conn, tier)?.is_none()
            {
                return Err(ApiError::invalid_field(
                    FieldError::new("unknown_tier", "no tier has this id, e.g. print").at("tier"),
                ));
            }
            let Found { rows, total, exact } = db::reader_directory::search(conn, &search, paging)?;
            let ids: Vec<String> = rows.iter().map(|r| r.id.clone()).collect();
            let subscriptions = db::subscriptions::for_readers_with_perks(conn, Some(&ids))?;
            Ok(SearchPage {
                readers: rows,
                subscriptions,
                total,
                total_exact: exact,
            })
        })
        .await
}
