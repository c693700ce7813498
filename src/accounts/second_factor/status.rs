//! Whether a staff member has a second factor, and whether this session
//! proved it.

use crate::accounts::Accounts;
use crate::db;
use crate::domain::ReaderId;
use crate::error::ApiError;
use chrono::NaiveDateTime;

/// A member's second factor as they see it.
#[derive(Debug)]
pub struct SecondFactorStatus {
    /// When the factor was confirmed; `None`: not enrolled (or only started).
    pub confirmed_at: Option<NaiveDateTime>,
    /// Unused recovery codes.
    pub recovery_codes_left: i64,
    /// Whether staff actions need it here (the setting).
    pub required: bool,
}

/// `member`'s second factor.
pub async fn second_factor_status(
    accounts: &Accounts<'_>,
    member: ReaderId,
) -> Result<SecondFactorStatus, ApiError> {
    let required = accounts.settings.staff_second_factor_required();
    accounts
        .db
        .run(move |conn| {
            let factor = db::second_factors::find(conn, &member)?;
            let left = db::second_factors::recovery_codes_left(conn, &member)?;
            Ok(SecondFactorStatus {
                confirmed_at: factor.and_then(|factor| factor.confirmed_at),
                recovery_codes_left: left,
                required,
            })
        })
        .await
}
