//! Typed columns through a real connection: ids and enums are written and
//! read by diesel directly, and a stored value this build does not know
//! decodes to its enum's least-granting variant instead of failing the query.

use super::DbConnection;
use crate::domain::{ReaderId, Role};
use diesel::dsl::sql;
use diesel::prelude::*;
use diesel::sql_types::Text;

fn memory() -> DbConnection {
    DbConnection::open(":memory:").expect("in-memory SQLite")
}

#[test]
fn an_id_round_trips_as_text() {
    let mut conn = memory();
    let id = ReaderId::generate();
    let back: ReaderId = diesel::select(id.clone().into_sql::<Text>())
        .get_result(&mut conn)
        .expect("select");
    assert_eq!(back, id);
}

#[test]
fn a_role_round_trips_by_its_variant_name() {
    let mut conn = memory();
    let stored: String = diesel::select(Role::Editor.into_sql::<Text>())
        .get_result(&mut conn)
        .expect("select");
    assert_eq!(stored, "editor");
}

#[test]
fn an_unknown_stored_role_decodes_as_the_least_privilege() {
    let mut conn = memory();
    let role: Role = diesel::select(sql::<Text>("'root'"))
        .get_result(&mut conn)
        .expect("select");
    assert_eq!(role, Role::Reader);
}
