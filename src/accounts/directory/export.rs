//! The CSV export of every reader: personal data leaves the system, so
//! the download is audited; password hashes never leave.

use super::{granting_subscription, paid_until};
use crate::accounts::Accounts;
use crate::db::{self, audit_log::AuditEntry};
use crate::domain::Role;
use crate::error::ApiError;
use crate::spreadsheet::Spreadsheet;
use serde_json::json;
use std::collections::HashMap;

/// The export's columns, in order.
const HEADER: [&str; 14] = [
    "id",
    "email",
    "name",
    "role",
    "address_line1",
    "address_line2",
    "city",
    "region",
    "postal_code",
    "country",
    "tier",
    "state",
    "paid_until",
    "created_at",
];

/// A time as the sheet shows it (RFC 3339, seconds).
fn timestamp(at: chrono::NaiveDateTime) -> String {
    at.and_utc()
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// Every account whose role is in `roles` (`None`: all) as a sheet, with
/// the address and the newest subscription granting access now; records
/// `entry` with the row count once the sheet is built.
pub async fn export_readers(
    accounts: &Accounts<'_>,
    roles: Option<Vec<Role>>,
    entry: AuditEntry,
) -> Result<Spreadsheet, ApiError> {
    let (readers, subscriptions) = accounts
        .db
        .run(move |conn| {
            Ok::<_, ApiError>((
                db::reader_directory::all(conn, roles.as_deref())?,
                db::subscriptions::for_readers_with_perks(conn, None)?,
            ))
        })
        .await?;
    let mut by_reader: HashMap<&str, Vec<_>> = HashMap::new();
    for subscription in &subscriptions {
        by_reader
            .entry(subscription.0.reader_id.as_str())
            .or_default()
            .push(subscription.clone());
    }
    let now = chrono::Utc::now();
    let mut sheet = Spreadsheet::new(&HEADER)?;
    for reader in &readers {
        let own = by_reader
            .get(reader.id.as_str())
            .map_or(&[][..], Vec::as_slice);
        let current = granting_subscription(own, now);
        let paid = current.and_then(paid_until).map(timestamp);
        sheet.row([
            Some(reader.id.as_str()),
            Some(reader.email.as_str()),
            Some(reader.name.as_str()),
            Some(reader.role.as_str()),
            reader.address_line1.as_deref(),
            reader.address_line2.as_deref(),
            reader.address_city.as_deref(),
            reader.address_region.as_deref(),
            reader.address_postal_code.as_deref(),
            reader.address_country.as_deref(),
            current.map(|s| s.tier_id.as_str()),
            current.map(|s| s.state.as_str()),
            paid.as_deref(),
            Some(timestamp(reader.created_at).as_str()),
        ])?;
    }
    let entry = entry.details(&json!({ "rows": sheet.rows() }));
    accounts
        .db
        .run(move |conn| {
            db::write_transaction(conn, |conn| {
                Ok::<_, ApiError>(db::audit_log::record(conn, &entry)?)
            })
        })
        .await?;
    Ok(sheet)
}
