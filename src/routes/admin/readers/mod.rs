//! Support's view of readers: search, the full account, ending sessions,
//! disabling and enabling accounts, and the CSV export. Open to the
//! `support` role (and `admin`).

pub mod detail;
pub mod disable;
pub mod enable;
pub mod export;
pub mod get;
pub mod list;
pub mod reset_second_factor;
pub mod revoke_sessions;
mod views;

pub use crate::accounts::directory::{
    current_subscription, granting_subscription, paid_until, reader_not_found,
};
pub use views::{AccountStatus, ReaderSummary, SubscriptionSummary};

use crate::db::subscriptions::SubscriptionRow;
use crate::domain::{FieldError, ReaderId, Reason, Role, SubscriptionState};
use crate::error::ApiError;
use chrono::NaiveDateTime;

/// The accounts a staff listing shows, from its `role` parameter: readers
/// only by default (staff accounts are not readers), `staff` for every
/// staff role, one role by name, or `all`. `None` means every account.
pub fn role_filter(raw: Option<&str>) -> Result<Option<Vec<Role>>, FieldError> {
    match raw.map(str::trim).filter(|r| !r.is_empty()) {
        None => Ok(Some(vec![Role::Reader])),
        Some("all") => Ok(None),
        Some("staff") => Ok(Some(vec![Role::Support, Role::Editor, Role::Admin])),
        Some(role) => Role::parse(role)
            .map(|role| Some(vec![role]))
            .ok_or_else(|| {
                FieldError::new(
                    "invalid_role",
                    "role is one of reader (default), staff, support, editor, admin, all",
                )
                .at("role")
            }),
    }
}

/// The reader id of a path; a malformed one cannot name a reader: 404.
pub fn path_reader(raw: &str) -> Result<ReaderId, ApiError> {
    ReaderId::parse(raw).ok_or_else(reader_not_found)
}

/// A staff member's optional reason, by the same rules as every other
/// reason (`domain::Reason`); `None` when empty.
pub fn staff_reason(raw: Option<String>) -> Result<Option<String>, FieldError> {
    Ok(Reason::parse_optional(raw)?.map(|reason| reason.as_str().to_owned()))
}

/// When the subscription's access ends (or ended), as its state has it.
pub fn access_ends(row: &SubscriptionRow) -> Option<NaiveDateTime> {
    match row.state()? {
        SubscriptionState::Active
        | SubscriptionState::Canceling
        | SubscriptionState::Trialing
        | SubscriptionState::Gift => row.current_period_end,
        SubscriptionState::PastDue => row.grace_ends_at,
        SubscriptionState::Comped => row.comped_until,
        SubscriptionState::Expired | SubscriptionState::Refunded | SubscriptionState::Duplicate => {
            row.ended_at
        }
        SubscriptionState::Incomplete | SubscriptionState::Unpaid | SubscriptionState::Paused => {
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn listings_show_readers_unless_asked_for_staff() {
        assert_eq!(role_filter(None).unwrap(), Some(vec![Role::Reader]));
        assert_eq!(role_filter(Some("all")).unwrap(), None);
        assert_eq!(
            role_filter(Some("staff")).unwrap().unwrap().len(),
            3,
            "every staff role"
        );
        assert_eq!(
            role_filter(Some("editor")).unwrap(),
            Some(vec![Role::Editor])
        );
        assert_eq!(role_filter(Some("boss")).unwrap_err().code, "invalid_role");
    }
    use crate::domain::MAX_REASON_CHARS;

    #[test]
    fn reasons_are_trimmed_bounded_and_optional() {
        assert_eq!(staff_reason(None).unwrap(), None);
        assert_eq!(staff_reason(Some("  ".into())).unwrap(), None);
        assert_eq!(
            staff_reason(Some(" fraud ".into())).unwrap().as_deref(),
            Some("fraud")
        );
        let long = "x".repeat(MAX_REASON_CHARS + 1);
        assert_eq!(staff_reason(Some(long)).unwrap_err().code, "too_long");
        let bell = "a\u{7}".to_owned();
        assert_eq!(
            staff_reason(Some(bell)).unwrap_err().code,
            "invalid_characters"
        );
    }
}
