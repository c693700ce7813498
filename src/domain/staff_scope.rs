//! Whom a staff member may act on: never their own account (a support
//! agent must not comp, extend or unlock themselves, nor lock themselves
//! out), and an admin's account only if they are an admin themselves
//! (support cannot disable, log out, comp or extend the people above
//! them). One rule for every directory and subscription action.

use super::{ReaderId, Role};

/// Why a staff member may not act on an account; `ApiError` maps it to
/// 409 `cannot_change_own_account` or 403 `admin_account_protected`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutOfScope {
    /// Their own account.
    OwnAccount,
    /// An admin's account, and they are not an admin.
    AdminProtected,
}

impl OutOfScope {
    /// The stable problem code.
    pub fn code(self) -> &'static str {
        match self {
            Self::OwnAccount => "cannot_change_own_account",
            Self::AdminProtected => "admin_account_protected",
        }
    }
}

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
    /// account, or an admin's account without being admin.
    pub fn may_act_on(&self, target: &ReaderId, target_role: Role) -> Result<(), OutOfScope> {
        if target == &self.staff {
            return Err(OutOfScope::OwnAccount);
        }
        if target_role == Role::Admin && self.role != Role::Admin {
            return Err(OutOfScope::AdminProtected);
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

    fn code(result: Result<(), OutOfScope>) -> Option<&'static str> {
        result.err().map(OutOfScope::code)
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
