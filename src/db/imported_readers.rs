//! Readers moved in from another system (`masthead readers import`), and
//! the upgrade of the password hashes they brought. Their rows are
//! inserted by `readers::insert`, like every other account.

use super::DbConnection;
use super::schema::readers;
use crate::domain::ReaderId;
use chrono::NaiveDateTime;
use diesel::prelude::*;

/// Whether an account already uses this (normalised) email.
pub fn email_taken(conn: &mut DbConnection, email: &str) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        readers::table.filter(readers::email.eq(email)),
    ))
    .get_result(conn)
}

/// Which of `emails` (normalised) accounts already use: one query for a
/// batch of an import.
pub fn emails_taken(
    conn: &mut DbConnection,
    emails: &[&str],
) -> QueryResult<std::collections::HashSet<String>> {
    Ok(readers::table
        .filter(readers::email.eq_any(emails))
        .select(readers::email)
        .load::<String>(conn)?
        .into_iter()
        .collect())
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
