//! Whom a staff member may act on: never their own account (a support
//! agent must not comp, extend or unlock themselves, nor lock themselves
//! out), and an admin's account only if they are an admin themselves
//! (support cannot disable, log out, comp or extend the people above
//! them). One rule for every directory and subscription action.

use super::{ReaderId, Role};
use crate::error::ApiError;

/// The staff member acting, as the rule needs them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffScope {
    /// The staff member's own account.
    pub staff: ReaderId,
    /// Their role.
    pub role: Role,
}

impl StaffScope {
    /// Refuses acting on `target` (whose role is `target_role`): their own
    /// account is 409 `cannot_change_own_account`, an admin's account
    /// without being admin is 403 `admin_account_protected`.
    pub fn may_act_on(&self, target: &ReaderId, target_role: Role) -> Result<(), ApiError> {
        if target == &self.staff {
            return Err(ApiError::conflict(
                "cannot_change_own_account",
                "staff cannot act on their own account",
            ));
        }
        if target_role == Role::Admin && self.role != Role::Admin {
            return Err(ApiError::forbidden(
                "admin_account_protected",
                "only an admin may act on an admin's account",
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scope(role: Role) -> StaffScope {
        StaffScope {
            staff: ReaderId::generate(),
            role,
        }
    }

    fn code(result: Result<(), ApiError>) -> Option<&'static str> {
        result.err().map(|error| error.code())
    }

    #[test]
    fn nobody_acts_on_their_own_account() {
        for role in [Role::Support, Role::Admin] {
            let me = scope(role);
            let own = me.may_act_on(&me.staff.clone(), role);
            assert_eq!(code(own), Some("cannot_change_own_account"));
        }
    }

    #[test]
    fn only_admins_act_on_admins() {
        let other = ReaderId::generate();
        assert_eq!(
            code(scope(Role::Support).may_act_on(&other, Role::Admin)),
            Some("admin_account_protected")
        );
        assert_eq!(
            code(scope(Role::Admin).may_act_on(&other, Role::Admin)),
            None
        );
        for target in [Role::Reader, Role::Support, Role::Editor] {
            assert_eq!(code(scope(Role::Support).may_act_on(&other, target)), None);
        }
    }
}
