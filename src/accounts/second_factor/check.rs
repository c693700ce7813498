//! The second factor at login: a six-digit code from the app, or one of the
//! recovery codes, accepted at most once.

use super::unix_now;
use crate::auth::totp::{TotpSecret, looks_like_totp_code, recovery_code_hash};
use crate::db::{self, DbConnection};
use crate::domain::ReaderId;
use chrono::NaiveDateTime;

/// What a login's second factor came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FactorCheck {
    /// The account has no confirmed factor.
    NotEnrolled,
    /// It has one, and the login carried no code.
    Missing,
    /// A wrong, stale or already used code.
    Wrong,
    /// A right code, now used up.
    Proved,
}

/// Checks `typed` against `member`'s confirmed factor and, when it is
/// right, uses it up (the step or the recovery code) in the same
/// statement, so two logins with one code cannot both pass.
pub fn check_at_login(
    conn: &mut DbConnection,
    member: &ReaderId,
    typed: Option<&str>,
    now: NaiveDateTime,
) -> diesel::QueryResult<FactorCheck> {
    let Some(factor) = db::second_factors::find(conn, member)? else {
        return Ok(FactorCheck::NotEnrolled);
    };
    if factor.confirmed_at.is_none() {
        return Ok(FactorCheck::NotEnrolled);
    }
    let Some(typed) = typed.map(str::trim).filter(|typed| !typed.is_empty()) else {
        return Ok(FactorCheck::Missing);
    };
    let proved = if looks_like_totp_code(typed) {
        let Some(secret) = TotpSecret::from_stored(&factor.secret) else {
            tracing::error!(reader = %member, "a stored TOTP secret is not base32");
            return Ok(FactorCheck::Wrong);
        };
        let after = u64::try_from(factor.last_step).unwrap_or(0);
        match secret.accepted_step(typed, unix_now(now), after) {
            Some(step) => db::second_factors::accept_step(
                conn,
                member,
                i64::try_from(step).unwrap_or(i64::MAX),
            )?,
            None => false,
        }
    } else {
        db::second_factors::use_recovery_code(conn, member, &recovery_code_hash(typed), now)?
    };
    Ok(if proved {
        FactorCheck::Proved
    } else {
        FactorCheck::Wrong
    })
}
