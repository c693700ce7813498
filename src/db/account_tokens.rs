//! The `account_tokens` aggregate: single-use tokens sent by email
//! (verification, password reset, email change), stored as hashes.

use super::DbConnection;
use super::schema::account_tokens;
use crate::domain::{ReaderId, TokenPurpose};
use chrono::NaiveDateTime;
use diesel::prelude::*;

/// A new token.
#[derive(Insertable)]
#[diesel(table_name = account_tokens)]
pub struct NewAccountToken<'a> {
    pub token_hash: &'a str,
    pub reader_id: &'a str,
    pub purpose: TokenPurpose,
    pub email: &'a str,
    pub created_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
}

/// A token as stored.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = account_tokens)]
pub struct AccountTokenRow {
    pub token_hash: String,
    pub reader_id: String,
    pub purpose: TokenPurpose,
    pub email: String,
    pub created_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
    pub used_at: Option<NaiveDateTime>,
}

impl AccountTokenRow {
    /// The typed reader id.
    pub fn reader_id(&self) -> ReaderId {
        ReaderId::from_db(self.reader_id.clone())
    }
}

/// Stores a token.
pub fn insert(conn: &mut DbConnection, token: &NewAccountToken<'_>) -> QueryResult<()> {
    diesel::insert_into(account_tokens::table)
        .values(token)
        .execute(conn)
        .map(drop)
}

/// When the reader was last sent a token for `purpose`, used or not: the
/// cooldown between resends is counted from it, so it holds across
/// instances and restarts.
pub fn last_issued_at(
    conn: &mut DbConnection,
    reader: &ReaderId,
    purpose: TokenPurpose,
) -> QueryResult<Option<NaiveDateTime>> {
    account_tokens::table
        .filter(account_tokens::reader_id.eq(reader.as_str()))
        .filter(account_tokens::purpose.eq(purpose))
        .select(diesel::dsl::max(account_tokens::created_at))
        .first(conn)
}

/// A token that may still be used now for one of `purposes`: known, not
/// used, not expired. Reads only; [`claim`] spends it.
pub fn find_usable(
    conn: &mut DbConnection,
    token_hash: &str,
    purposes: &[TokenPurpose],
    now: NaiveDateTime,
) -> QueryResult<Option<AccountTokenRow>> {
    account_tokens::table
        .filter(account_tokens::token_hash.eq(token_hash))
        .filter(account_tokens::purpose.eq_any(purposes.iter().copied()))
        .filter(account_tokens::used_at.is_null())
        .filter(account_tokens::expires_at.gt(now))
        .select(AccountTokenRow::as_select())
        .first(conn)
        .optional()
}

/// Spends a usable token and returns it; `None` when it is unknown, of
/// another purpose, expired, or already used. The conditional update
/// means two concurrent uses cannot both succeed.
pub fn claim(
    conn: &mut DbConnection,
    token_hash: &str,
    purposes: &[TokenPurpose],
    now: NaiveDateTime,
) -> QueryResult<Option<AccountTokenRow>> {
    let Some(token) = find_usable(conn, token_hash, purposes, now)? else {
        return Ok(None);
    };
    let claimed = diesel::update(
        account_tokens::table
            .filter(account_tokens::token_hash.eq(token_hash))
            .filter(account_tokens::used_at.is_null()),
    )
    .set(account_tokens::used_at.eq(now))
    .execute(conn)?;
    Ok((claimed == 1).then_some(token))
}

/// Spends every outstanding token of a reader for the given purposes (after
/// a reset, the other reset links must stop working; after an email
/// change, links sent to the old address must).
pub fn spend_outstanding(
    conn: &mut DbConnection,
    reader: &ReaderId,
    purposes: &[TokenPurpose],
    now: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(
        account_tokens::table
            .filter(account_tokens::reader_id.eq(reader.as_str()))
            .filter(account_tokens::purpose.eq_any(purposes.iter().copied()))
            .filter(account_tokens::used_at.is_null()),
    )
    .set(account_tokens::used_at.eq(now))
    .execute(conn)
}

/// Spends every outstanding token of a reader, whatever its purpose: after
/// a password reset or change, a first verification, deletion or disable,
/// no link sent before may still change the account (a parked email change
/// would otherwise take back an account its owner just recovered).
pub fn spend_all(
    conn: &mut DbConnection,
    reader: &ReaderId,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    spend_outstanding(
        conn,
        reader,
        &[
            TokenPurpose::VerifyEmail,
            TokenPurpose::PasswordReset,
            TokenPurpose::EmailChange,
        ],
        now,
    )
}
