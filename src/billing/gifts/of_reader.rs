//! The gifts on a reader's staff page: those they bought (logged in, or
//! with their address) and those they redeemed, so support can answer
//! either side of a gift.

use crate::db::gifts::{self, GiftRow};
use crate::db::{Database, readers};
use crate::domain::ReaderId;
use crate::error::ApiError;

/// `reader`'s gifts, bought and redeemed, newest first (open and never-paid
/// ones left out).
pub async fn gifts_of_reader(db: &Database, reader: ReaderId) -> Result<Vec<GiftRow>, ApiError> {
    db.run(move |conn| {
        let row = readers::find(conn, &reader)?;
        Ok(gifts::for_reader(conn, &reader, &row.email)?)
    })
    .await
}
