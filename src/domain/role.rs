//! What an account may do. Staff are readers with a role; `admin` may do
//! everything any other role may.

use super::stored_text::stored_as_text;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The role of an account.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Serialize,
    Deserialize,
    ToSchema,
    clap::ValueEnum,
    strum::IntoStaticStr,
    strum::EnumString,
    strum::VariantArray,
    diesel::AsExpression,
    diesel::FromSqlRow,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
#[diesel(sql_type = diesel::sql_types::Text)]
pub enum Role {
    /// A reader of the magazine.
    Reader,
    /// Support staff: look readers up, refunds, comps.
    Support,
    /// Editors: the catalogue.
    Editor,
    /// Everything.
    Admin,
}

impl Role {
    /// The stored and serialised name.
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    /// Parses a stored name.
    pub fn parse(raw: &str) -> Option<Self> {
        raw.parse().ok()
    }

    /// Whether this role is staff at all.
    pub fn is_staff(self) -> bool {
        self != Self::Reader
    }

    /// Whether this role may do what `required` may: the same role, or admin.
    pub fn grants(self, required: Self) -> bool {
        self == required || self == Self::Admin
    }
}

// An unknown stored role is the least privilege.
stored_as_text!(Role, unknown = Role::Reader);

#[cfg(test)]
mod tests {
    use super::*;

    const ALL: [Role; 4] = [Role::Reader, Role::Support, Role::Editor, Role::Admin];

    #[test]
    fn names_round_trip() {
        for role in ALL {
            assert_eq!(Role::parse(role.as_str()), Some(role));
        }
        assert_eq!(Role::parse("root"), None);
    }

    #[test]
    fn admin_grants_everything_others_only_themselves() {
        for required in ALL {
            assert!(Role::Admin.grants(required));
        }
        assert!(Role::Support.grants(Role::Support));
        assert!(!Role::Support.grants(Role::Editor));
        assert!(!Role::Editor.grants(Role::Support));
        assert!(!Role::Reader.grants(Role::Support));
    }
}
