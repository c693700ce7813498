//! The index check behind `bench/index-check`: on a database filled by
//! `masthead demo --scale`, prints the plan of each list, search and lookup
//! query the API runs on a large table (EXPLAIN QUERY PLAN on SQLite,
//! EXPLAIN after ANALYZE on PostgreSQL) and exits non-zero when one reads
//! a large table sequentially.
//!
//! The statements are written out here in the shape diesel gives the ones
//! in `src/db/` (same tables, predicates and orders), with a seeded
//! reader's, subscription's and payment's ids in place of the parameters.
//! A count of a whole table (the audit log's total) reads every row by
//! nature; the directory's capped count reads rows until 1,001 match,
//! sequentially when matches are everywhere (the directory itself, a mail
//! domain every eighth reader has); those are marked and allowed.
//!
//! `cargo run --release --example index_check -- <database url>`

use diesel::prelude::*;
use diesel::sql_types::Text;
use masthead::db::DbConnection;

/// Tables that grow with the readers: a sequential read of one fails.
const LARGE: [&str; 9] = [
    "readers",
    "subscriptions",
    "subscription_events",
    "payments",
    "refunds",
    "sessions",
    "audit_log",
    "webhook_events",
    "articles",
];

#[derive(QueryableByName)]
struct One {
    #[diesel(sql_type = Text)]
    value: String,
}

#[derive(QueryableByName)]
struct SqlitePlan {
    #[diesel(sql_type = Text)]
    detail: String,
}

#[derive(QueryableByName)]
struct PostgresPlan {
    #[diesel(sql_type = Text, column_name = "QUERY PLAN")]
    line: String,
}

fn one(conn: &mut DbConnection, sql: &str) -> String {
    diesel::sql_query(sql)
        .get_result::<One>(conn)
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
        .value
}

/// Why a statement may read its table sequentially.
const WHOLE_TABLE: Option<&str> = Some("counts the whole table");
const COMMON: Option<&str> = Some("an eighth of the readers match: the LIMIT stops it");
const BOUNDED: Option<&str> = Some("the LIMIT stops it at 1,001 rows");
const COMMON_TIER: Option<&str> =
    Some("a fifth of the subscriptions are print: the LIMIT stops it at 10,001 matches");

/// The statements the API runs, `(name, why a scan is allowed, SQL)`:
/// one list, kept whole so it reads as the inventory it is.
#[allow(clippy::too_many_lines)]
fn statements(
    sqlite: bool,
    reader: &str,
    subscription: &str,
    payment: &str,
) -> Vec<(String, Option<&'static str>, String)> {
    let columns = "readers.id, readers.email, readers.name, readers.role, readers.created_at";
    let like = |fragment: &str| {
        let pattern = format!("%{fragment}%");
        format!(
            "(lower(readers.email) LIKE '{pattern}' ESCAPE '\\' OR lower(readers.name) LIKE '{pattern}' ESCAPE '\\')"
        )
    };
    let role = "readers.role IN ('reader')";
    // The capped count: up to 1,001 matching ids (on SQLite a fragment's
    // candidates joined from the trigram index).
    let count = |fragment: &str| {
        if sqlite {
            format!(
                "SELECT readers.id FROM ((readers INNER JOIN reader_search_keys ON reader_search_keys.reader_id = readers.id) \
                 INNER JOIN reader_search ON reader_search.rowid = reader_search_keys.search_row) \
                 WHERE reader_search MATCH '\"{fragment}\"' AND {role} AND {like} LIMIT 1001",
                like = like(fragment)
            )
        } else {
            format!(
                "SELECT readers.id FROM readers WHERE {role} AND {like} LIMIT 1001",
                like = like(fragment)
            )
        }
    };
    let newest = if sqlite {
        "+readers.created_at"
    } else {
        "COALESCE(readers.created_at, readers.created_at)"
    };
    let past_due = "readers.id IN (SELECT subscriptions.reader_id FROM subscriptions WHERE subscriptions.state = 'past_due')";
    let mut list = vec![
        (
            "directory: total (up to 1,001)".to_owned(),
            BOUNDED,
            format!("SELECT readers.id FROM readers WHERE {role} LIMIT 1001"),
        ),
        (
            "directory: newest first".to_owned(),
            None,
            format!(
                "SELECT {columns} FROM readers WHERE {role} ORDER BY readers.created_at DESC, readers.id DESC LIMIT 20 OFFSET 0"
            ),
        ),
        (
            "directory: by name".to_owned(),
            None,
            format!(
                "SELECT {columns} FROM readers WHERE {role} ORDER BY readers.name ASC, readers.id ASC LIMIT 20 OFFSET 0"
            ),
        ),
        (
            "directory: by email".to_owned(),
            None,
            format!(
                "SELECT {columns} FROM readers WHERE {role} ORDER BY readers.email ASC, readers.id ASC LIMIT 20 OFFSET 0"
            ),
        ),
        (
            "directory: past_due subscribers, total (up to 1,001)".to_owned(),
            None,
            format!("SELECT readers.id FROM readers WHERE {role} AND {past_due} LIMIT 1001"),
        ),
        (
            "directory: past_due subscribers, many: walked newest first".to_owned(),
            None,
            format!(
                "SELECT {columns} FROM readers WHERE {role} AND EXISTS (SELECT subscriptions.id FROM subscriptions \
                 WHERE subscriptions.state = 'past_due' AND subscriptions.reader_id = readers.id) \
                 ORDER BY readers.created_at DESC, readers.id DESC LIMIT 20 OFFSET 0"
            ),
        ),
        (
            "directory: past_due subscribers, the index counted (up to 10,001)".to_owned(),
            None,
            "SELECT 1 FROM subscriptions WHERE subscriptions.state = 'past_due' LIMIT 10001"
                .to_owned(),
        ),
        (
            "directory: tier print subscribers, the index counted (up to 10,001)".to_owned(),
            COMMON_TIER,
            "SELECT 1 FROM subscriptions WHERE subscriptions.tier_id = 'print' LIMIT 10001"
                .to_owned(),
        ),
        (
            "directory: past_due subscribers, up to 10,000: listed and sorted".to_owned(),
            None,
            format!(
                "SELECT {columns} FROM readers WHERE {role} AND {past_due} \
                 ORDER BY {newest} DESC, readers.id DESC LIMIT 20 OFFSET 0"
            ),
        ),
        (
            "search, few matches: the page read by key and sorted".to_owned(),
            None,
            format!(
                "SELECT {columns} FROM readers WHERE readers.id IN ('{reader}', '{reader}x') \
                 ORDER BY {newest} DESC, readers.id DESC LIMIT 20 OFFSET 0"
            ),
        ),
    ];
    for (fragment, allowed) in [
        ("lovelace", None),
        ("nightingale", None),
        ("ada.lov", None),
        ("ingrid n", None),
        ("example.org", COMMON),
    ] {
        list.push((
            format!("search {fragment:?}: total (up to 1,001)"),
            allowed,
            count(fragment),
        ));
        list.push((
            format!("search {fragment:?}, many: walked newest first"),
            None,
            format!(
                "SELECT {columns} FROM readers WHERE {role} AND {like} ORDER BY readers.created_at DESC, readers.id DESC LIMIT 20 OFFSET 0",
                like = like(fragment)
            ),
        ));
    }
    list.extend([
        ("reader detail: the account".to_owned(), None, format!("SELECT {columns} FROM readers WHERE readers.id = '{reader}'")),
        (
            "reader detail: subscriptions".to_owned(),
            None,
            format!("SELECT * FROM subscriptions WHERE subscriptions.reader_id = '{reader}' ORDER BY subscriptions.created_at DESC"),
        ),
        (
            "reader detail: events of a subscription".to_owned(),
            None,
            format!("SELECT * FROM subscription_events WHERE subscription_events.subscription_id = '{subscription}' ORDER BY subscription_events.occurred_at"),
        ),
        (
            "reader detail: payments of a subscription".to_owned(),
            None,
            format!("SELECT * FROM payments WHERE payments.subscription_id = '{subscription}' ORDER BY payments.paid_at DESC"),
        ),
        (
            "payments of a reader".to_owned(),
            None,
            format!("SELECT * FROM payments WHERE payments.reader_id = '{reader}' ORDER BY payments.paid_at DESC LIMIT 20"),
        ),
        (
            "refunds of a subscription".to_owned(),
            None,
            format!("SELECT * FROM refunds WHERE refunds.subscription_id = '{subscription}'"),
        ),
        (
            "refunds of a payment".to_owned(),
            None,
            format!("SELECT COALESCE(SUM(refunds.amount_cents), 0) FROM refunds WHERE refunds.payment_id = '{payment}'"),
        ),
        (
            "sessions of a reader".to_owned(),
            None,
            format!(
                "SELECT * FROM sessions WHERE sessions.reader_id = '{reader}' AND sessions.revoked_at IS NULL \
                 ORDER BY sessions.last_used_at DESC, sessions.id DESC"
            ),
        ),
        (
            "webhook event dedupe".to_owned(),
            None,
            "SELECT * FROM webhook_events WHERE webhook_events.id = 'evt_seed1'".to_owned(),
        ),
        ("audit log: total".to_owned(), WHOLE_TABLE, "SELECT COUNT(*) FROM audit_log".to_owned()),
        (
            "audit log: newest first".to_owned(),
            None,
            "SELECT * FROM audit_log ORDER BY audit_log.occurred_at DESC, audit_log.id DESC LIMIT 50 OFFSET 0".to_owned(),
        ),
        (
            "audit log: of a reader".to_owned(),
            None,
            format!("SELECT * FROM audit_log WHERE audit_log.reader_id = '{reader}' ORDER BY audit_log.occurred_at DESC, audit_log.id DESC LIMIT 50"),
        ),
    ]);
    list
}

/// The plan's lines, and the large tables it reads sequentially.
fn plan(conn: &mut DbConnection, sql: &str) -> (Vec<String>, Vec<String>) {
    let lines: Vec<String> = match conn {
        DbConnection::Sqlite(_) => diesel::sql_query(format!("EXPLAIN QUERY PLAN {sql}"))
            .load::<SqlitePlan>(conn)
            .unwrap_or_else(|e| panic!("{sql}: {e}"))
            .into_iter()
            .map(|row| row.detail)
            .collect(),
        DbConnection::Postgres(_) => diesel::sql_query(format!("EXPLAIN {sql}"))
            .load::<PostgresPlan>(conn)
            .unwrap_or_else(|e| panic!("{sql}: {e}"))
            .into_iter()
            .map(|row| row.line)
            .collect(),
    };
    let scans = lines
        .iter()
        .filter_map(|line| {
            let words: Vec<&str> = line.split_whitespace().collect();
            // SQLite: "SCAN readers" (no index); PostgreSQL: "Seq Scan on readers".
            let table = if words.first() == Some(&"SCAN")
                && (words.len() == 2 || words.get(2) == Some(&"AS"))
            {
                words.get(1).copied()
            } else {
                words
                    .windows(4)
                    .find(|w| w[..3] == ["Seq", "Scan", "on"])
                    .map(|w| w[3])
            }?;
            LARGE.contains(&table).then(|| table.to_owned())
        })
        .collect();
    (lines, scans)
}

fn main() {
    let url = std::env::args()
        .nth(1)
        .expect("usage: index_check <database url>");
    let mut conn = DbConnection::open(&url).expect("cannot open the database");
    let sqlite = matches!(conn, DbConnection::Sqlite(_));
    let subscription = one(
        &mut conn,
        "SELECT subscription_id AS value FROM payments WHERE refunded_cents > 0 ORDER BY id LIMIT 1",
    );
    let reader = one(
        &mut conn,
        &format!("SELECT reader_id AS value FROM subscriptions WHERE id = '{subscription}'"),
    );
    let payment = one(
        &mut conn,
        &format!(
            "SELECT id AS value FROM payments WHERE subscription_id = '{subscription}' LIMIT 1"
        ),
    );
    let mut failed = Vec::new();
    for (name, allowed, sql) in statements(sqlite, &reader, &subscription, &payment) {
        let (lines, scans) = plan(&mut conn, &sql);
        let verdict = match (scans.is_empty(), allowed) {
            (true, _) => "ok".to_owned(),
            (false, Some(why)) => format!("ok, a sequential scan ({why})"),
            (false, None) => "SEQUENTIAL SCAN".to_owned(),
        };
        println!("== {name}: {verdict}\n   {sql}");
        for line in &lines {
            println!("   | {line}");
        }
        if !scans.is_empty() && allowed.is_none() {
            failed.push(format!("{name} ({})", scans.join(", ")));
        }
    }
    if failed.is_empty() {
        println!("no sequential scan of a large table");
    } else {
        eprintln!("sequential scans of large tables: {}", failed.join("; "));
        std::process::exit(1);
    }
}
