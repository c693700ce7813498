//! The sweeps the scheduler runs (see `jobs::housekeeping`): each one
//! conditional statement, so running it twice, or from two instances at
//! once, does the same as running it once.

use super::DbConnection;
use super::schema::{account_tokens, checkouts, gifts, sessions};
use crate::domain::{CheckoutStatus, GiftStatus};
use chrono::NaiveDateTime;
use diesel::prelude::*;

/// Moves every `open` checkout whose time ran out to `expired` (a reader's
/// own are also expired when they next start one); returns how many.
pub fn expire_lapsed_checkouts(conn: &mut DbConnection, now: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(
        checkouts::table
            .filter(checkouts::status.eq(CheckoutStatus::Open.as_str()))
            .filter(checkouts::expires_at.le(now)),
    )
    .set(checkouts::status.eq(CheckoutStatus::Expired.as_str()))
    .execute(conn)
}

/// Moves every `open` gift of `provider` whose payment page timed out to
/// `expired`; returns how many. Only for a provider that does not report
/// the end of its own pages (the development one): a Stripe page may be
/// paid up to its last second and the payment reported after it, so
/// Stripe's gifts expire by its `checkout.session.expired`.
pub fn expire_lapsed_gifts(
    conn: &mut DbConnection,
    provider: &str,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(
        gifts::table
            .filter(gifts::status.eq(GiftStatus::Open.as_str()))
            .filter(gifts::provider.eq(provider))
            .filter(gifts::expires_at.le(now)),
    )
    .set(gifts::status.eq(GiftStatus::Expired.as_str()))
    .execute(conn)
}

/// Deletes account tokens (verification, reset, email-change links) that
/// were used or expired before `before`: they can never be spent again,
/// and the resend cooldown only reads recent ones.
pub fn prune_account_tokens(conn: &mut DbConnection, before: NaiveDateTime) -> QueryResult<usize> {
    diesel::delete(
        account_tokens::table.filter(
            account_tokens::used_at
                .lt(before)
                .or(account_tokens::expires_at.lt(before)),
        ),
    )
    .execute(conn)
}

/// Deletes sessions that were revoked or expired before `before` (their
/// refresh tokens go with them, by cascade): no token can revive them.
pub fn prune_sessions(conn: &mut DbConnection, before: NaiveDateTime) -> QueryResult<usize> {
    diesel::delete(
        sessions::table.filter(
            sessions::revoked_at
                .lt(before)
                .or(sessions::expires_at.lt(before)),
        ),
    )
    .execute(conn)
}
