//! An admin archiving an offer: no checkout can redeem it from then on
//! (checkouts already open keep the terms they were quoted), it leaves
//! `GET /v1/plans`, and its code stays taken. Audited in the same
//! transaction; archiving twice answers as the first did.

use super::offer_not_found;
use crate::db::audit_log::{self, AuditEntry};
use crate::db::offers::{self, Offer};
use crate::db::{self, Database};
use crate::domain::OfferCode;
use crate::error::ApiError;

/// Archives the offer `code` names; 404 `offer_not_found`.
pub async fn archive_offer(
    db: &Database,
    code: OfferCode,
    audit: AuditEntry,
) -> Result<Offer, ApiError> {
    db.run(move |conn| {
        db::write_transaction(conn, |conn| {
            let now = chrono::Utc::now().naive_utc();
            offers::find(conn, &code)?.ok_or_else(offer_not_found)?;
            if offers::archive(conn, &code, now)? {
                let audit = AuditEntry {
                    target_id: code.as_str().to_owned(),
                    ..audit
                };
                audit_log::record(conn, &audit.at(now))?;
            }
            offers::find(conn, &code)?.ok_or_else(offer_not_found)
        })
    })
    .await
}
