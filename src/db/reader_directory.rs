//! The `readers` aggregate as support staff see it: searching every
//! account, listing them all for the export, and disabling or enabling an
//! account. What a reader does to their own account lives in `readers.rs`.
//!
//! A search by fragment is a case-insensitive substring match (LIKE) on the
//! email and the name, served by a trigram index
//! (`2026-12-04-000400_reader_search`): pg_trgm's GIN indexes on
//! PostgreSQL answer the LIKE itself; on SQLite an FTS5 trigram table
//! (kept by triggers) picks the candidates first and the LIKE then decides,
//! so both answer exactly the LIKE's rows. A fragment shorter than three
//! characters has no trigram and scans.

use super::connection::MultiBackend;
use super::readers::ReaderRow;
use super::schema::{readers, subscriptions};
use super::{Backend, DbConnection};
use crate::domain::{Paging, ReaderId, Role, SubscriptionState};
use chrono::NaiveDateTime;
use diesel::dsl::sql;
use diesel::prelude::*;
use diesel::sql_types::{Bool, Text};

diesel::define_sql_function! {
    /// SQL `lower(text)`: PostgreSQL's LIKE is case-sensitive, so a
    /// case-insensitive search lowers both sides on both backends.
    fn lower(x: Text) -> Text;
}

/// The order of a search's results.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SearchOrder {
    /// Oldest account first.
    CreatedAt,
    /// Newest account first.
    #[default]
    CreatedAtDesc,
    /// By email, A to Z.
    Email,
    /// By name, A to Z.
    Name,
}

/// What to look for; every field set narrows the search.
#[derive(Debug, Clone, Default)]
pub struct ReaderSearch {
    /// A fragment of the email or of the name, any case.
    pub text: Option<String>,
    /// Readers having a subscription in this state.
    pub state: Option<SubscriptionState>,
    /// Readers having a subscription of this tier.
    pub tier: Option<String>,
    /// The order of the results.
    pub order: SearchOrder,
    /// Accounts with one of these roles; `None`: every account.
    pub roles: Option<Vec<Role>>,
}

/// The stored names of `roles`.
fn role_names(roles: &[Role]) -> Vec<&'static str> {
    roles.iter().map(|role| role.as_str()).collect()
}

/// A LIKE pattern matching `fragment` anywhere, lower-cased, with the
/// wildcards `%` and `_` (and the escape `\`) taken literally.
pub fn contains_pattern(fragment: &str) -> String {
    let mut pattern = String::from("%");
    for c in fragment.to_lowercase().chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
}

/// The shortest fragment the trigram index can find: one trigram.
const TRIGRAM: usize = 3;

/// An FTS5 query for the phrase `fragment`: the text in double quotes
/// (a quote inside doubled), which the trigram tokenizer matches as a
/// substring of a column, in any case.
pub fn trigram_phrase(fragment: &str) -> String {
    format!("\"{}\"", fragment.replace('"', "\"\""))
}

type Boxed<'a> = readers::BoxedQuery<'a, MultiBackend>;

fn filtered(search: &ReaderSearch, backend: Backend) -> Boxed<'static> {
    let mut query = readers::table.into_boxed();
    if let Some(roles) = &search.roles {
        query = query.filter(readers::role.eq_any(role_names(roles)));
    }
    if let Some(text) = &search.text {
        let lowered = text.to_lowercase();
        // The index narrows the readers to the candidates; the LIKE below
        // still decides, so the answer is the LIKE's on every backend.
        // PostgreSQL needs nothing here: its trigram indexes serve the
        // LIKE itself. A fragment shorter than a trigram scans.
        if backend == Backend::Sqlite && lowered.chars().count() >= TRIGRAM {
            query = query.filter(
                sql::<Bool>(
                    "readers.id IN (SELECT k.reader_id FROM reader_search_keys k \
                     WHERE k.search_row IN (SELECT rowid FROM reader_search \
                     WHERE reader_search MATCH ",
                )
                .bind::<Text, _>(trigram_phrase(&lowered))
                .sql("))"),
            );
        }
        let pattern = contains_pattern(text);
        query = query.filter(
            lower(readers::email)
                .like(pattern.clone())
                .escape('\\')
                .or(lower(readers::name).like(pattern).escape('\\')),
        );
    }
    if let Some(state) = search.state {
        query = query.filter(
            readers::id.eq_any(
                subscriptions::table
                    .filter(subscriptions::state.eq(state.as_str()))
                    .select(subscriptions::reader_id),
            ),
        );
    }
    if let Some(tier) = &search.tier {
        query = query.filter(
            readers::id.eq_any(
                subscriptions::table
                    .filter(subscriptions::tier_id.eq(tier.clone()))
                    .select(subscriptions::reader_id),
            ),
        );
    }
    query
}

/// A page of matching readers in the asked order, and how many match.
pub fn search(
    conn: &mut DbConnection,
    search: &ReaderSearch,
    paging: Paging,
) -> QueryResult<(Vec<ReaderRow>, i64)> {
    let backend = conn.backend();
    let total = filtered(search, backend).count().get_result(conn)?;
    let query = filtered(search, backend);
    let query = match search.order {
        SearchOrder::CreatedAt => query.order((readers::created_at.asc(), readers::id.asc())),
        SearchOrder::CreatedAtDesc => query.order((readers::created_at.desc(), readers::id.desc())),
        SearchOrder::Email => query.order((readers::email.asc(), readers::id.asc())),
        SearchOrder::Name => query.order((readers::name.asc(), readers::id.asc())),
    };
    let rows = query
        .limit(paging.per_page())
        .offset(paging.offset())
        .select(ReaderRow::as_select())
        .load(conn)?;
    Ok((rows, total))
}

/// The export's readers: accounts with one of `roles` (`None`: every
/// account) created by `cutoff`, the moment the export started, so pages
/// read one after another list the same readers whoever signs up
/// meanwhile.
fn exported(roles: Option<&[Role]>, cutoff: NaiveDateTime) -> Boxed<'static> {
    let mut query = readers::table
        .filter(readers::created_at.le(cutoff))
        .into_boxed();
    if let Some(roles) = roles {
        query = query.filter(readers::role.eq_any(role_names(roles)));
    }
    query
}

/// How many readers the export started at `cutoff` lists.
pub fn export_count(
    conn: &mut DbConnection,
    roles: Option<&[Role]>,
    cutoff: NaiveDateTime,
) -> QueryResult<i64> {
    exported(roles, cutoff).count().get_result(conn)
}

/// Where an export's page ends: the last reader's creation time and id,
/// the key of `readers_created_at (created_at, id)`.
pub type ExportKey = (NaiveDateTime, String);

/// The next `limit` readers of the export started at `cutoff`, oldest
/// first, after `after` (`None`: from the start). A keyset page: each one
/// is a range read of `readers_created_at`, as cheap at the millionth
/// reader as at the first, where an OFFSET would walk every row before it.
pub fn export_page(
    conn: &mut DbConnection,
    roles: Option<&[Role]>,
    cutoff: NaiveDateTime,
    after: Option<&ExportKey>,
    limit: i64,
) -> QueryResult<Vec<ReaderRow>> {
    let mut query = exported(roles, cutoff);
    if let Some((created_at, id)) = after {
        // The `>=` bounds the index range; the OR then skips the readers
        // of that same instant already listed.
        query = query.filter(readers::created_at.ge(*created_at)).filter(
            readers::created_at
                .gt(*created_at)
                .or(readers::id.gt(id.clone())),
        );
    }
    query
        .order((readers::created_at.asc(), readers::id.asc()))
        .limit(limit)
        .select(ReaderRow::as_select())
        .load(conn)
}

/// Disables the account at `now` unless it already is; `true` when this
/// call disabled it (a conditional update, so two staff disabling at once
/// record one change).
pub fn disable(conn: &mut DbConnection, id: &ReaderId, now: NaiveDateTime) -> QueryResult<bool> {
    let changed = diesel::update(
        readers::table
            .filter(readers::id.eq(id.as_str()))
            .filter(readers::disabled_at.is_null()),
    )
    .set((readers::disabled_at.eq(now), readers::updated_at.eq(now)))
    .execute(conn)?;
    Ok(changed == 1)
}

/// Enables a disabled account; `true` when this call enabled it.
pub fn enable(conn: &mut DbConnection, id: &ReaderId, now: NaiveDateTime) -> QueryResult<bool> {
    let changed = diesel::update(
        readers::table
            .filter(readers::id.eq(id.as_str()))
            .filter(readers::disabled_at.is_not_null()),
    )
    .set((
        readers::disabled_at.eq(None::<NaiveDateTime>),
        readers::updated_at.eq(now),
    ))
    .execute(conn)?;
    Ok(changed == 1)
}

#[cfg(test)]
mod tests {
    use super::{contains_pattern, trigram_phrase};

    #[test]
    fn a_phrase_keeps_quotes_literal() {
        assert_eq!(trigram_phrase("ada"), r#""ada""#);
        assert_eq!(trigram_phrase(r#"o"brien"#), r#""o""brien""#);
    }

    #[test]
    fn wildcards_are_taken_literally() {
        assert_eq!(contains_pattern("Ada"), "%ada%");
        assert_eq!(contains_pattern("100%_x"), r"%100\%\_x%");
        assert_eq!(contains_pattern(r"a\b"), r"%a\\b%");
    }
}
