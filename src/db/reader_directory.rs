//! The `readers` aggregate as support staff see it: searching every
//! account, listing them all for the export, and disabling or enabling an
//! account. What a reader does to their own account lives in `readers.rs`.
//!
//! A search by fragment is a case-insensitive substring match (LIKE) on the
//! email and the name, served by a trigram index
//! (`2026-12-04-000400_reader_search`): pg_trgm's GIN indexes on
//! PostgreSQL answer the LIKE itself; on SQLite an FTS5 trigram table
//! (kept by triggers) picks the candidates first and the LIKE then decides,
//! so both answer exactly the LIKE's rows. The route refuses fragments
//! shorter than a trigram, which no index can serve.
//!
//! A search counts its matches up to [`TOTAL_CAP`] only: an exact total of
//! a broad search (every reader, a mail domain) reads every match, which
//! at a million readers took longer than the page itself. The count also
//! chooses the page's plan: up to [`TOTAL_CAP`] matches, whose ids the
//! count read, are read by key and sorted; more are met soonest by walking
//! the order's index and keeping the matching rows, which the LIMIT stops
//! early. One subscription filter alone (a state or a tier, no fragment)
//! matching more counts its subscriptions' index up to [`SORT_CAP`] entries
//! (no reader read): up to that many are read by key and sorted too, as a
//! walk of the readers' index meets a rare state's subscribers seldom (at a
//! million readers, 3,300 past due readers were 94,000 readers into the
//! walk) while sorting a few thousand is a bounded cost.

use super::connection::MultiBackend;
use super::readers::ReaderRow;
use super::schema::{readers, subscriptions};
use super::{Backend, DbConnection};
use crate::domain::{Paging, ReaderId, Role, SubscriptionState};
use chrono::NaiveDateTime;
use diesel::dsl::{exists, sql};
use diesel::prelude::*;
use diesel::sql_types::{Bool, Integer, Text};

diesel::define_sql_function! {
    /// SQL `lower(text)`: PostgreSQL's LIKE is case-sensitive, so a
    /// case-insensitive search lowers both sides on both backends.
    fn lower(x: Text) -> Text;
}

diesel::table! {
    /// SQLite only: the FTS5 trigram index of the readers' emails and
    /// names (contentless; a row's `rowid` is its key's `search_row`).
    reader_search (rowid) {
        rowid -> BigInt,
    }
}

diesel::table! {
    /// SQLite only: which reader each row of `reader_search` indexes.
    reader_search_keys (search_row) {
        search_row -> BigInt,
        reader_id -> Text,
    }
}

diesel::allow_tables_to_appear_in_same_query!(reader_search, reader_search_keys);
diesel::allow_tables_to_appear_in_same_query!(reader_search, readers);
diesel::allow_tables_to_appear_in_same_query!(reader_search_keys, readers);
diesel::allow_tables_to_appear_in_same_query!(reader_search, subscriptions);
diesel::allow_tables_to_appear_in_same_query!(reader_search_keys, subscriptions);

/// The most matches a search counts: past it the total is reported as
/// "more than" (a support person narrows the search rather than pages
/// through a thousand readers).
pub const TOTAL_CAP: i64 = 1_000;

/// The most matches of one subscription filter alone (a state or a tier,
/// no fragment) read by key and sorted for a page, rather than met along
/// the order's index.
const SORT_CAP: i64 = 10_000;

/// The shortest fragment a search accepts: one trigram, the least the
/// trigram indexes can find.
pub const TRIGRAM: usize = 3;

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
    /// A fragment of the email or of the name, any case, of at least
    /// [`TRIGRAM`] characters.
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

/// A page of a search and how many readers match, counted up to
/// [`TOTAL_CAP`].
#[derive(Debug)]
pub struct Found {
    /// The page's readers, in the search's order.
    pub rows: Vec<ReaderRow>,
    /// The matches, at most [`TOTAL_CAP`].
    pub total: i64,
    /// `false` when more than `total` readers match.
    pub exact: bool,
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

/// An FTS5 query for the phrase `fragment`: the text in double quotes
/// (a quote inside doubled), which the trigram tokenizer matches as a
/// substring of a column, in any case.
pub fn trigram_phrase(fragment: &str) -> String {
    format!("\"{}\"", fragment.replace('"', "\"\""))
}

/// Subscriptions in `state`: the one filter of a state, for the search's
/// subqueries and for [`few_subscribers`]'s count of its index.
fn in_state(
    state: SubscriptionState,
) -> diesel::dsl::Filter<subscriptions::table, diesel::dsl::Eq<subscriptions::state, &'static str>>
{
    subscriptions::table.filter(subscriptions::state.eq(state.as_str()))
}

/// Subscriptions of `tier`, as [`in_state`] for a tier.
fn of_tier(
    tier: &str,
) -> diesel::dsl::Filter<subscriptions::table, diesel::dsl::Eq<subscriptions::tier_id, String>> {
    subscriptions::table.filter(subscriptions::tier_id.eq(tier.to_owned()))
}

/// Narrows a boxed query over `readers` (alone, or joined to SQLite's
/// trigram index) to `search`'s roles, fragment, state and tier (`walk`:
/// for a walk along the order's index): one macro, as the two queries
/// have different types. The LIKE decides the
/// fragment on every backend, whatever index found the candidates.
macro_rules! narrowed {
    ($query:expr, $search:expr, walk: $walk:expr) => {{
        let search: &ReaderSearch = $search;
        let mut query = $query;
        if let Some(roles) = &search.roles {
            query = query.filter(readers::role.eq_any(role_names(roles)));
        }
        if let Some(text) = &search.text {
            let pattern = contains_pattern(text);
            query = query.filter(
                lower(readers::email)
                    .like(pattern.clone())
                    .escape('\\')
                    .or(lower(readers::name).like(pattern).escape('\\')),
            );
        }
        // A subscription filter lists its readers from the subscriptions'
        // index (the count: rare states are found at once), or, walking
        // the order's index, asks each reader in turn (EXISTS: SQLite
        // would otherwise drive from the list and sort every match).
        if let Some(state) = search.state {
            let having = in_state(state);
            query = if $walk {
                query.filter(exists(
                    having.filter(subscriptions::reader_id.eq(readers::id)),
                ))
            } else {
                query.filter(readers::id.eq_any(having.select(subscriptions::reader_id)))
            };
        }
        if let Some(tier) = &search.tier {
            let having = of_tier(tier);
            query = if $walk {
                query.filter(exists(
                    having.filter(subscriptions::reader_id.eq(readers::id)),
                ))
            } else {
                query.filter(readers::id.eq_any(having.select(subscriptions::reader_id)))
            };
        }
        query
    }};
}

/// The matching readers, read from `readers` alone (PostgreSQL's trigram
/// indexes serve the LIKE itself; on SQLite, a walk of an index).
fn plain(search: &ReaderSearch, walk: bool) -> readers::BoxedQuery<'static, MultiBackend> {
    narrowed!(readers::table.into_boxed(), search, walk: walk)
}

/// How a page's rows are ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Plan {
    /// Through the order's index, filtering as it walks: soonest when
    /// matches are many.
    Walk,
    /// Matches read by key, then sorted: the order is written so no index
    /// serves it (otherwise a planner may walk the whole order's index
    /// for a handful of matches, as PostgreSQL did for `ingrid n`).
    Sort,
}

/// The ORDER BY of `order` (with the id, so that pages never overlap).
fn order_by(order: SearchOrder, plan: Plan, backend: Backend) -> String {
    let (column, direction) = match order {
        SearchOrder::CreatedAt => ("readers.created_at", "ASC"),
        SearchOrder::CreatedAtDesc => ("readers.created_at", "DESC"),
        SearchOrder::Email => ("readers.email", "ASC"),
        SearchOrder::Name => ("readers.name", "ASC"),
    };
    // SQLite uses no index for `+column` (same value, same collation);
    // PostgreSQL none for `COALESCE(column, column)` of a NOT NULL column.
    let key = match (plan, backend) {
        (Plan::Walk, _) => column.to_owned(),
        (Plan::Sort, Backend::Sqlite) => format!("+{column}"),
        (Plan::Sort, Backend::Postgres) => format!("COALESCE({column}, {column})"),
    };
    format!("{key} {direction}, readers.id {direction}")
}

/// Up to `limit` matching readers' ids: the capped count. On SQLite a
/// fragment's candidates come from the trigram index as a join, which
/// the LIMIT stops early (an `IN (subquery)` would list every match
/// first).
fn matching_ids(
    conn: &mut DbConnection,
    search: &ReaderSearch,
    limit: i64,
) -> QueryResult<Vec<String>> {
    match &search.text {
        Some(text) if conn.backend() == Backend::Sqlite => {
            let joined = readers::table
                .inner_join(
                    reader_search_keys::table.on(reader_search_keys::reader_id.eq(readers::id)),
                )
                .inner_join(
                    reader_search::table
                        .on(reader_search::rowid.eq(reader_search_keys::search_row)),
                )
                .filter(
                    sql::<Bool>("reader_search MATCH ")
                        .bind::<Text, _>(trigram_phrase(&text.to_lowercase())),
                )
                .into_boxed();
            narrowed!(joined, search, walk: false)
                .select(readers::id)
                .limit(limit)
                .load(conn)
        }
        _ => plain(search, false)
            .select(readers::id)
            .limit(limit)
            .load(conn),
    }
}

/// A page of matching readers in the asked order, and how many match
/// (up to [`TOTAL_CAP`]).
///
/// On PostgreSQL each statement is planned for its own fragment: a
/// prepared statement's generic plan, which PostgreSQL settles on after a
/// few runs, cannot tell a mail domain from a surname and read the trigram
/// index for the million matches of `example` where a scan stops at 1,001
/// (150 ms against 4 ms at a million readers).
pub fn search(
    conn: &mut DbConnection,
    search: &ReaderSearch,
    paging: Paging,
) -> QueryResult<Found> {
    match conn.backend() {
        Backend::Postgres => conn.transaction(|conn| {
            diesel::sql_query("SET LOCAL plan_cache_mode = force_custom_plan").execute(conn)?;
            found(conn, search, paging)
        }),
        Backend::Sqlite => found(conn, search, paging),
    }
}

/// Whether the search is one subscription filter alone (a state or a
/// tier, no fragment, not both) whose subscriptions' index lists at most
/// [`SORT_CAP`] entries for it: an upper bound of its matches, counted in
/// the index alone (no reader read), so that a broad filter (`active`,
/// tens of thousands) costs [`SORT_CAP`] index entries to rule out. A
/// state and a tier together keep the walk: listing one and asking the
/// other of each reader was slower than walking on PostgreSQL (190 against
/// 105 ms for `canceling` digital subscribers at a million readers).
fn few_subscribers(conn: &mut DbConnection, search: &ReaderSearch) -> QueryResult<bool> {
    let having = match (&search.text, search.state, &search.tier) {
        (None, Some(state), None) => in_state(state).into_boxed(),
        (None, None, Some(tier)) => of_tier(tier).into_boxed(),
        _ => return Ok(false),
    };
    // A constant per entry: the index is read, nothing sent but rows.
    let listed: Vec<i32> = having
        .select(sql::<Integer>("1"))
        .limit(SORT_CAP + 1)
        .load(conn)?;
    Ok(i64::try_from(listed.len()).is_ok_and(|listed| listed <= SORT_CAP))
}

/// [`search`]'s statements.
fn found(conn: &mut DbConnection, search: &ReaderSearch, paging: Paging) -> QueryResult<Found> {
    let backend = conn.backend();
    let ids = matching_ids(conn, search, TOTAL_CAP + 1)?;
    let counted = i64::try_from(ids.len()).unwrap_or(i64::MAX);
    let exact = counted <= TOTAL_CAP;
    let total = counted.min(TOTAL_CAP);
    if exact && paging.offset() >= total {
        return Ok(Found {
            rows: Vec::new(),
            total,
            exact,
        });
    }
    let sorted = |query: readers::BoxedQuery<'static, MultiBackend>| {
        query
            .order(sql::<Text>(&order_by(search.order, Plan::Sort, backend)))
            .limit(paging.per_page())
            .offset(paging.offset())
            .select(ReaderRow::as_select())
    };
    let rows = if exact {
        // At most TOTAL_CAP matches, whose ids are at hand: read those
        // rows by primary key and sort them.
        sorted(readers::table.filter(readers::id.eq_any(ids)).into_boxed()).load(conn)?
    } else if few_subscribers(conn, search)? {
        // A subscription filter's few thousand matches: listed again from
        // the subscriptions' index (rather than bound as thousands of
        // parameters), read by key and sorted.
        sorted(plain(search, false)).load(conn)?
    } else {
        plain(search, true)
            .order(sql::<Text>(&order_by(search.order, Plan::Walk, backend)))
            .limit(paging.per_page())
            .offset(paging.offset())
            .select(ReaderRow::as_select())
            .load(conn)?
    };
    Ok(Found { rows, total, exact })
}

/// The export's readers: accounts with one of `roles` (`None`: every
/// account) created by `cutoff`, the moment the export started, so pages
/// read one after another list the same readers whoever signs up
/// meanwhile.
fn exported(
    roles: Option<&[Role]>,
    cutoff: NaiveDateTime,
) -> readers::BoxedQuery<'static, MultiBackend> {
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
