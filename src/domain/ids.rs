//! Typed identifiers: a `ReaderId` cannot be passed where a `SessionId` is
//! expected. Ids are UUIDv7 strings, so they sort by creation time.
//!
//! Each id is also a diesel `Text` column type (`AsExpression`, `FromSql`,
//! generic over the backend so it works through the `MultiConnection`):
//! rows and queries carry `ReaderId`, not `String`, across the database edge.

use std::fmt;

macro_rules! typed_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(
            Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize,
            diesel::AsExpression, diesel::FromSqlRow,
        )]
        #[serde(transparent)]
        #[diesel(sql_type = diesel::sql_types::Text)]
        pub struct $name(String);

        impl $name {
            /// A new, unique, time-ordered id.
            pub fn generate() -> Self {
                Self(uuid::Uuid::now_v7().to_string())
            }

            /// Accepts only a well-formed UUID, so a path segment cannot
            /// smuggle anything else into a query.
            pub fn parse(raw: &str) -> Option<Self> {
                uuid::Uuid::try_parse(raw).ok().map(|id| Self(id.to_string()))
            }

            /// Wraps an id read back from the database.
            pub fn from_db(raw: String) -> Self {
                Self(raw)
            }

            /// The id as stored and sent.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl<DB> diesel::serialize::ToSql<diesel::sql_types::Text, DB> for $name
        where
            DB: diesel::backend::Backend,
            str: diesel::serialize::ToSql<diesel::sql_types::Text, DB>,
        {
            fn to_sql<'b>(
                &'b self,
                out: &mut diesel::serialize::Output<'b, '_, DB>,
            ) -> diesel::serialize::Result {
                self.0.as_str().to_sql(out)
            }
        }

        /// Read back as stored: the database only holds ids Masthead wrote,
        /// so no parsing is repeated on every row.
        impl<DB> diesel::deserialize::FromSql<diesel::sql_types::Text, DB> for $name
        where
            DB: diesel::backend::Backend,
            String: diesel::deserialize::FromSql<diesel::sql_types::Text, DB>,
        {
            fn from_sql(bytes: DB::RawValue<'_>) -> diesel::deserialize::Result<Self> {
                String::from_sql(bytes).map(Self)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

typed_id!(
    /// Identifies a reader (staff included).
    ReaderId
);
typed_id!(
    /// Identifies a session: one login and the refresh tokens rotated from it.
    SessionId
);
typed_id!(
    /// Identifies a subscription: one reader's purchase (or comp) of a tier.
    SubscriptionId
);
typed_id!(
    /// Identifies a checkout: one attempt to buy a tier, from the checkout
    /// page to the provider's confirmation.
    CheckoutId
);
typed_id!(
    /// Identifies a gift: one purchase of a tier for someone else, from
    /// its payment page to its redemption or refund.
    GiftId
);
typed_id!(
    /// Identifies a recorded payment (one successful charge).
    PaymentId
);
typed_id!(
    /// Identifies a queued job: one effect (an email, a sweep) of a change.
    JobId
);
typed_id!(
    /// Identifies a price scheduled for a tier and interval (a price change).
    PriceChangeId
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_ids_parse_back() {
        let id = ReaderId::generate();
        assert_eq!(ReaderId::parse(id.as_str()), Some(id));
    }

    #[test]
    fn garbage_is_not_an_id() {
        assert_eq!(SessionId::parse("1; DROP TABLE readers"), None);
        assert_eq!(SessionId::parse(""), None);
    }

    #[test]
    fn ids_sort_by_creation() {
        let first = ReaderId::generate();
        let second = ReaderId::generate();
        assert!(first.as_str() < second.as_str());
    }
}
