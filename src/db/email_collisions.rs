//! Accounts whose stored address the email-identity migration could not
//! normalise (see migration `2026-12-01-000022_email_identity`).

use super::DbConnection;
use super::schema::email_collisions;
use diesel::prelude::*;

/// How many accounts wait for an operator.
pub fn count(conn: &mut DbConnection) -> QueryResult<i64> {
    email_collisions::table.count().get_result(conn)
}
