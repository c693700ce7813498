//! Support's actions on other readers' accounts: disabling, enabling,
//! logging out everywhere, and (admins) resetting a staff member's second
//! factor. Each checks the staff member's scope against
//! the target inside the transaction that changes it, and records its
//! audit entry in that same transaction; the session cache is invalidated
//! after the commit.

mod detail;
mod disable;
mod enable;
mod export;
mod reset_second_factor;
mod revoke_sessions;
mod search;
mod standing;

pub use detail::{ReaderRecord, SubscriptionRecord, reader_record};
pub use disable::disable_reader;
pub use enable::enable_reader;
pub use export::export_readers;
pub use reset_second_factor::{remove_factor, reset_second_factor};
pub use revoke_sessions::revoke_reader_sessions;
pub use search::{SearchPage, search_readers};
pub use standing::{current_subscription, granting_subscription, paid_until};

use crate::db::{self, DbConnection, readers::ReaderRow};
use crate::domain::{ReaderId, StaffScope};
use crate::error::ApiError;
use chrono::NaiveDateTime;
use diesel::OptionalExtension;

/// An account after a disable or enable.
#[derive(Debug)]
pub struct AccountChange {
    /// The reader id.
    pub id: String,
    /// Since when the account is disabled, while it is.
    pub disabled_at: Option<NaiveDateTime>,
    /// Whether anything changed (`false`: it already was so, and no audit
    /// entry was written).
    pub changed: bool,
    /// Sessions this action ended.
    pub sessions_revoked: usize,
}

impl AccountChange {
    /// `target` as it already was: nothing changed, nothing revoked (a
    /// repeated disable or enable, which writes no audit entry).
    fn unchanged(target: ReaderRow) -> Self {
        Self {
            id: target.id,
            disabled_at: target.disabled_at,
            changed: false,
            sessions_revoked: 0,
        }
    }
}

/// 404 for an id that names no reader (or is not an id at all).
pub fn reader_not_found() -> ApiError {
    ApiError::not_found("reader_not_found", "no reader has this id")
}

/// The account `id` that `scope` may change, in the caller's transaction:
/// 404 when there is none, and the scope's refusal (own account, or an
/// admin's for non-admins) otherwise.
fn target(
    conn: &mut DbConnection,
    scope: &StaffScope,
    id: &ReaderId,
) -> Result<ReaderRow, ApiError> {
    let target = db::readers::find(conn, id)
        .optional()?
        .ok_or_else(reader_not_found)?;
    scope.may_act_on(&target.reader_id(), target.role())?;
    Ok(target)
}
