//! Enums stored as TEXT. The variant names are the one source of their
//! strings: `strum` derives `as_str`/parsing from them (snake_case, the same
//! rule serde uses), and [`stored_as_text!`] makes the enum a diesel `Text`
//! column, so rows carry `Role`, not `String`, across the database edge.
//!
//! A stored value this build does not know (written by a newer release
//! during a rolling deploy) must not fail the whole query: each enum names
//! the variant such a value decodes to, chosen to grant the least.

/// Implements diesel's `ToSql`/`FromSql` for `Text` over any backend, for an
/// enum deriving `diesel::AsExpression`, `diesel::FromSqlRow`,
/// `strum::IntoStaticStr` and `strum::EnumString`. `$unknown` is what an
/// unknown stored string decodes to.
macro_rules! stored_as_text {
    ($name:ty, unknown = $unknown:expr) => {
        impl<DB> diesel::serialize::ToSql<diesel::sql_types::Text, DB> for $name
        where
            DB: diesel::backend::Backend,
            str: diesel::serialize::ToSql<diesel::sql_types::Text, DB>,
        {
            fn to_sql<'b>(
                &'b self,
                out: &mut diesel::serialize::Output<'b, '_, DB>,
            ) -> diesel::serialize::Result {
                let text: &'static str = self.into();
                text.to_sql(out)
            }
        }

        impl<DB> diesel::deserialize::FromSql<diesel::sql_types::Text, DB> for $name
        where
            DB: diesel::backend::Backend,
            String: diesel::deserialize::FromSql<diesel::sql_types::Text, DB>,
        {
            fn from_sql(bytes: DB::RawValue<'_>) -> diesel::deserialize::Result<Self> {
                let text = String::from_sql(bytes)?;
                Ok(text.parse().unwrap_or($unknown))
            }
        }
    };
}

pub(crate) use stored_as_text;

/// Declares an enum stored as TEXT: the derives every stored enum needs
/// (strum's names, diesel's column type, `Copy`/`Eq`/`Hash`), `as_str` and
/// `parse`, and the diesel impls of [`stored_as_text!`]. Extra derives and
/// attributes (serde, `ToSchema`) go above `enum` as usual; a variant whose
/// stored name is not its snake_case name says so with
/// `#[strum(serialize = "...")]`. `unknown` names the variant an unknown
/// stored value decodes to, chosen to grant the least.
///
/// ```ignore
/// stored_enum! {
///     /// Where a request stands.
///     #[derive(serde::Serialize)]
///     #[serde(rename_all = "snake_case")]
///     pub enum RequestStatus (unknown = Denied) {
///         /// Waiting for staff.
///         Pending,
///         /// Refused.
///         Denied,
///     }
/// }
/// ```
macro_rules! stored_enum {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident (unknown = $unknown:ident) {
            $( $(#[$variant_meta:meta])* $variant:ident ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(
            Debug,
            Clone,
            Copy,
            PartialEq,
            Eq,
            Hash,
            strum::IntoStaticStr,
            strum::EnumString,
            strum::VariantArray,
            diesel::AsExpression,
            diesel::FromSqlRow,
        )]
        #[strum(serialize_all = "snake_case")]
        #[diesel(sql_type = diesel::sql_types::Text)]
        $vis enum $name {
            $( $(#[$variant_meta])* $variant ),+
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [Self] = <Self as strum::VariantArray>::VARIANTS;

            /// The stored (and serialised) name.
            pub fn as_str(self) -> &'static str {
                self.into()
            }

            /// The value a stored name names; `None` for a name this build
            /// does not know.
            pub fn parse(raw: &str) -> Option<Self> {
                raw.parse().ok()
            }
        }

        $crate::domain::stored_text::stored_as_text!($name, unknown = $name::$unknown);
    };
}

pub(crate) use stored_enum;
