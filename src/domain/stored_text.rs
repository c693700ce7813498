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
