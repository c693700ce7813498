//! Typed columns through a real connection: ids and enums are written and
//! read by diesel directly, and a stored value this build does not know
//! decodes to its enum's least-granting variant instead of failing the query.

use super::DbConnection;
use crate::domain::{AuditAction, MediaKind, ReaderId, Role, TokenPurpose, Visibility};
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

#[test]
fn catalogue_and_token_enums_are_stored_by_their_variant_names() {
    let mut conn = memory();
    let stored: (String, String, String, String) = diesel::select((
        Visibility::Registered.into_sql::<Text>(),
        MediaKind::Edition.into_sql::<Text>(),
        TokenPurpose::PasswordReset.into_sql::<Text>(),
        AuditAction::ArticlePublished.into_sql::<Text>(),
    ))
    .get_result(&mut conn)
    .expect("select");
    assert_eq!(
        stored,
        (
            "registered".to_owned(),
            "edition".to_owned(),
            "password_reset".to_owned(),
            "article_published".to_owned()
        )
    );
}

#[test]
fn an_unknown_stored_visibility_decodes_as_subscribers_only() {
    let mut conn = memory();
    let visibility: Visibility = diesel::select(sql::<Text>("'everyone'"))
        .get_result(&mut conn)
        .expect("select");
    assert_eq!(visibility, Visibility::Subscribers);
}

#[test]
fn an_unknown_stored_token_purpose_decodes_as_verification() {
    let mut conn = memory();
    let purpose: TokenPurpose = diesel::select(sql::<Text>("'magic_login'"))
        .get_result(&mut conn)
        .expect("select");
    assert_eq!(purpose, TokenPurpose::VerifyEmail);
}
