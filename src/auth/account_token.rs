//! Single-use tokens sent by email (verify an address, reset a password,
//! move to a new address): 256 random bits for the mail, a SHA-256 hash
//! for the `account_tokens` table. They live in a table of their own, so
//! a refresh token is never accepted here, nor one of these as a refresh
//! token; neither is a JWT.

use super::RefreshToken;
use crate::db::{self, DbConnection, account_tokens::NewAccountToken};
use crate::domain::{ReaderId, TokenPurpose};
use chrono::NaiveDateTime;

/// Creates a token for `purpose`, sent to `email`, valid for `ttl`, and
/// stores its hash; returns the plaintext to put in the email.
pub fn issue_account_token(
    conn: &mut DbConnection,
    reader: &ReaderId,
    purpose: TokenPurpose,
    email: &str,
    ttl: chrono::Duration,
    now: NaiveDateTime,
) -> diesel::QueryResult<String> {
    // Same generator as refresh tokens: 32 bytes from the OS, base64url.
    let token = RefreshToken::generate();
    db::account_tokens::insert(
        conn,
        &NewAccountToken {
            token_hash: &token.hash(),
            reader_id: reader.as_str(),
            purpose,
            email,
            created_at: now,
            expires_at: now + ttl,
        },
    )?;
    Ok(token.into_plaintext())
}

/// The storage hash of a presented account token.
pub fn account_token_hash(presented: &str) -> String {
    RefreshToken::hash_of(presented.trim())
}

/// After a credential change (a password reset or change, the address
/// first verified, deletion, a staff disable): spends every outstanding
/// token of the reader and records the change, so that no link sent
/// before it (an email change parked by whoever held the account before
/// its owner recovered it, above all) can still change the account.
pub fn end_outstanding_tokens(
    conn: &mut DbConnection,
    reader: &ReaderId,
    now: NaiveDateTime,
) -> diesel::QueryResult<usize> {
    db::readers::credentials_changed(conn, reader, now)?;
    db::account_tokens::spend_all(conn, reader, now)
}

/// Whether a token issued at `issued_at` may still act on an account in
/// this state: not disabled or deleted, and issued no earlier than the
/// last credential change.
pub fn token_still_honoured(account: &db::readers::ReaderRow, issued_at: NaiveDateTime) -> bool {
    account.disabled_at.is_none()
        && account
            .credentials_changed_at
            .is_none_or(|changed| issued_at >= changed)
}
