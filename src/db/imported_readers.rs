//! Readers moved in from another system (`masthead readers import`), and
//! the upgrade of the password hashes they brought. Kept apart from
//! `readers.rs` because only the import writes `imported_at` and the
//! address at account creation.

use super::DbConnection;
use super::schema::readers;
use crate::domain::ReaderId;
use chrono::NaiveDateTime;
use diesel::prelude::*;

/// An imported account: a reader row with its address and import time.
#[derive(Insertable)]
#[diesel(table_name = readers)]
pub struct NewImportedReader<'a> {
    pub id: &'a str,
    pub email: &'a str,
    pub password_hash: &'a str,
    pub name: &'a str,
    pub role: &'a str,
    pub address_line1: Option<&'a str>,
    pub address_line2: Option<&'a str>,
    pub address_city: Option<&'a str>,
    pub address_region: Option<&'a str>,
    pub address_postal_code: Option<&'a str>,
    pub address_country: Option<&'a str>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub imported_at: NaiveDateTime,
}

/// Inserts an imported account; a taken email is a unique violation.
pub fn insert(conn: &mut DbConnection, reader: &NewImportedReader<'_>) -> QueryResult<()> {
    diesel::insert_into(readers::table)
        .values(reader)
        .execute(conn)
        .map(drop)
}

/// Whether an account already uses this (normalised) email.
pub fn email_taken(conn: &mut DbConnection, email: &str) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        readers::table.filter(readers::email.eq(email)),
    ))
    .get_result(conn)
}

/// Replaces `old` with `new` only if the account still holds `old`, so an
/// upgrade computed during a login never overwrites a password the reader
/// changed meanwhile. Returns whether the hash was replaced.
pub fn upgrade_password_hash(
    conn: &mut DbConnection,
    id: &ReaderId,
    old: &str,
    new: &str,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    let updated = diesel::update(
        readers::table
            .find(id.as_str())
            .filter(readers::password_hash.eq(old)),
    )
    .set((readers::password_hash.eq(new), readers::updated_at.eq(now)))
    .execute(conn)?;
    Ok(updated == 1)
}
