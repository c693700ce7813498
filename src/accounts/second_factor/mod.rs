//! Staff's second factor (TOTP, RFC 6238) with one-time recovery codes:
//! enrolment by the staff member and the check at login (an admin's reset
//! of another's factor is a directory action, `accounts::directory`). Readers never have one: the factor guards the
//! admin API and the console, where a stolen password would reach every
//! reader's data and money.

mod check;
mod confirm;
mod start;
mod status;

pub use check::{FactorCheck, check_at_login};
pub use confirm::{Confirmation, Confirmed, confirm_enrolment};
pub use start::{Enrolment, start_enrolment};
pub use status::{SecondFactorStatus, second_factor_status};

use crate::domain::Role;
use crate::error::ApiError;

/// Only staff enrol a second factor.
fn staff_only(role: Role) -> Result<(), ApiError> {
    if role.is_staff() {
        Ok(())
    } else {
        Err(ApiError::forbidden(
            "insufficient_role",
            "a second factor is for staff accounts",
        ))
    }
}

/// The refusal of a wrong, stale or replayed code.
fn wrong_code() -> ApiError {
    ApiError::unauthenticated(
        "invalid_second_factor",
        "the authentication code is wrong, expired or already used",
    )
}

/// Seconds since the Unix epoch, the TOTP clock.
fn unix_now(now: chrono::NaiveDateTime) -> u64 {
    u64::try_from(now.and_utc().timestamp()).unwrap_or(0)
}
