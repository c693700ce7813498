//! Both migration sets must produce the same tables and columns, so one
//! `schema.rs` is true on either backend.

use diesel::prelude::*;
use diesel::sql_types::{Bool, Text};
use masthead::db::{DbConnection, run_migrations};
use std::collections::{BTreeMap, BTreeSet};

#[derive(QueryableByName)]
struct TableColumn {
    #[diesel(sql_type = Text)]
    table_name: String,
    #[diesel(sql_type = Text)]
    name: String,
    #[diesel(sql_type = Text)]
    data_type: String,
    #[diesel(sql_type = Bool)]
    nullable: bool,
}

type Shape = BTreeMap<String, BTreeSet<(String, String, bool)>>;

/// Maps each backend's spelling of a type to one name.
fn normalise(data_type: &str) -> String {
    match data_type.to_ascii_lowercase().as_str() {
        "text" | "character varying" => "text",
        "timestamp" | "timestamp without time zone" => "timestamp",
        "integer" | "bigint" | "int" | "smallint" => "integer",
        "boolean" | "bool" => "boolean",
        other => return other.to_owned(),
    }
    .to_owned()
}

fn shape(columns: Vec<TableColumn>) -> Shape {
    let mut shape = Shape::new();
    for c in columns {
        shape.entry(c.table_name).or_default().insert((
            c.name,
            normalise(&c.data_type),
            c.nullable,
        ));
    }
    shape
}

/// SQLite's reader search index (`reader_search`, FTS5's shadow tables and
/// `reader_search_keys`) is not in `schema.rs`: only triggers and the
/// search's SQL touch it; PostgreSQL indexes the columns instead.
fn sqlite_shape() -> Shape {
    let dir = tempfile::tempdir().unwrap();
    let mut conn = DbConnection::open(dir.path().join("shape.db").to_str().unwrap()).unwrap();
    run_migrations(&mut conn).unwrap();
    let DbConnection::Sqlite(conn) = &mut conn else {
        unreachable!()
    };
    let columns = diesel::sql_query(
        "SELECT m.name AS table_name, p.name AS name, p.type AS data_type, \
         (p.\"notnull\" = 0 AND p.pk = 0) AS nullable \
         FROM sqlite_master m JOIN pragma_table_info(m.name) p \
         WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name <> '__diesel_schema_migrations' \
         AND m.name NOT LIKE 'reader\\_search%' ESCAPE '\\'",
    )
    .load::<TableColumn>(conn)
    .unwrap();
    shape(columns)
}

fn postgres_shape() -> Shape {
    let database = helpers_db::TestDatabase::create();
    let mut conn = DbConnection::open(&database.url()).unwrap();
    run_migrations(&mut conn).unwrap();
    let DbConnection::Postgres(conn) = &mut conn else {
        unreachable!()
    };
    let columns = diesel::sql_query(
        "SELECT table_name::text AS table_name, column_name::text AS name, data_type::text AS data_type, \
         (is_nullable = 'YES') AS nullable \
         FROM information_schema.columns \
         WHERE table_schema = 'public' AND table_name <> '__diesel_schema_migrations'",
    )
    .load::<TableColumn>(conn)
    .unwrap();
    shape(columns)
}

#[test]
fn sqlite_and_postgres_migrations_build_the_same_schema() {
    let sqlite = sqlite_shape();
    let postgres = postgres_shape();
    assert!(
        sqlite.contains_key("readers"),
        "no tables found: {sqlite:?}"
    );
    assert_eq!(sqlite, postgres);
}

#[test]
fn migrations_are_idempotent() {
    let dir = tempfile::tempdir().unwrap();
    let mut conn = DbConnection::open(dir.path().join("twice.db").to_str().unwrap()).unwrap();
    assert!(run_migrations(&mut conn).unwrap() > 0);
    assert_eq!(run_migrations(&mut conn).unwrap(), 0);
}

/// The per-test PostgreSQL database of the API tests, shared by path.
#[allow(dead_code)]
#[path = "api/support/test_database.rs"]
mod helpers_db;
