//! The CSV export of every reader: personal data leaves the system, so
//! the download is audited; password hashes never leave.
//!
//! A magazine has a million readers, so the sheet is streamed: the audit
//! entry is committed before the first byte (a download that was started
//! is on record even if it is cut off), then the readers are read in
//! keyset pages of [`PAGE`], each page with its readers' subscriptions,
//! written as CSV and handed to the client before the next is read. The
//! server holds one page at a time, whatever the magazine's size.

use super::{granting_subscription, paid_until};
use crate::accounts::Accounts;
use crate::db::reader_directory::ExportKey;
use crate::db::{self, Database, audit_log::AuditEntry, readers::ReaderRow};
use crate::domain::Role;
use crate::error::ApiError;
use crate::spreadsheet::Spreadsheet;
use actix_web::web::Bytes;
use chrono::{NaiveDateTime, Utc};
use futures_util::Stream;
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

/// Readers per page: one query for the readers, one for their
/// subscriptions (an `IN` list of this many ids, well within SQLite's
/// 32,766 variables), and about 200 KB of CSV.
const PAGE: i64 = 1_000;

/// A time as the sheet shows it (RFC 3339, seconds).
fn timestamp(at: NaiveDateTime) -> String {
    at.and_utc()
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// An export whose audit entry is recorded: what remains is to stream it.
pub struct ReaderExport {
    db: Database,
    roles: Option<Vec<Role>>,
    cutoff: NaiveDateTime,
    /// Readers the export lists, counted when it started.
    rows: i64,
}

/// Starts the export of every account whose role is in `roles` (`None`:
/// all) as it stands now: counts the readers and records `entry` with
/// that count, in one transaction, before anything is sent.
pub async fn export_readers(
    accounts: &Accounts<'_>,
    roles: Option<Vec<Role>>,
    entry: AuditEntry,
) -> Result<ReaderExport, ApiError> {
    let cutoff = Utc::now().naive_utc();
    let filter = roles.clone();
    let rows = accounts
        .db
        .run(move |conn| {
            db::write_transaction(conn, |conn| {
                let rows = db::reader_directory::export_count(conn, filter.as_deref(), cutoff)?;
                db::audit_log::record(conn, &entry.details(&json!({ "rows": rows })))?;
                Ok::<_, ApiError>(rows)
            })
        })
        .await?;
    Ok(ReaderExport {
        db: accounts.db.clone(),
        roles,
        cutoff,
        rows,
    })
}

/// Where the stream is: the sheet (holding the header until the first
/// page is sent) and the key the next page starts after.
struct Cursor {
    export: ReaderExport,
    sheet: Spreadsheet,
    after: Option<ExportKey>,
    finished: bool,
}

impl ReaderExport {
    /// How many readers the sheet lists (those counted at its start; one
    /// deleted meanwhile is left out).
    pub fn rows(&self) -> i64 {
        self.rows
    }

    /// The sheet, a chunk per page: the header with the first page, then
    /// a page at a time, read only when the client has taken the last. A
    /// failure after the first byte ends the stream with an error, which
    /// cuts the chunked response short (the client sees an incomplete
    /// download, never a truncated sheet that looks whole).
    pub fn into_stream(self) -> anyhow::Result<impl Stream<Item = Result<Bytes, ApiError>>> {
        let cursor = Cursor {
            export: self,
            sheet: Spreadsheet::new(&HEADER)?,
            after: None,
            finished: false,
        };
        Ok(futures_util::stream::unfold(
            cursor,
            |mut cursor| async move {
                if cursor.finished {
                    return None;
                }
                match next_chunk(&mut cursor).await {
                    Ok(chunk) => Some((Ok(chunk), cursor)),
                    Err(error) => {
                        tracing::error!(?error, "reader export cut short");
                        cursor.finished = true;
                        Some((Err(error), cursor))
                    }
                }
            },
        ))
    }
}

/// Reads the next page and writes it as the next chunk; the last page
/// (shorter than [`PAGE`]) marks the cursor finished.
async fn next_chunk(cursor: &mut Cursor) -> Result<Bytes, ApiError> {
    let roles = cursor.export.roles.clone();
    let cutoff = cursor.export.cutoff;
    let after = cursor.after.clone();
    let (readers, subscriptions) = cursor
        .export
        .db
        .run(move |conn| {
            let readers = db::reader_directory::export_page(
                conn,
                roles.as_deref(),
                cutoff,
                after.as_ref(),
                PAGE,
            )?;
            let ids: Vec<String> = readers.iter().map(|r| r.id.clone()).collect();
            let subscriptions = if ids.is_empty() {
                Vec::new()
            } else {
                db::subscriptions::for_readers_with_perks(conn, Some(&ids))?
            };
            Ok((readers, subscriptions))
        })
        .await?;
    if i64::try_from(readers.len()).is_ok_and(|n| n < PAGE) {
        cursor.finished = true;
    }
    if let Some(last) = readers.last() {
        cursor.after = Some((last.created_at, last.id.clone()));
    }
    write_page(&mut cursor.sheet, &readers, &subscriptions)?;
    Ok(Bytes::from(cursor.sheet.take_bytes()?))
}

/// One row per reader, with the address and the newest subscription
/// granting access now.
fn write_page(
    sheet: &mut Spreadsheet,
    readers: &[ReaderRow],
    subscriptions: &[db::subscriptions::WithPerks],
) -> anyhow::Result<()> {
    let mut by_reader: HashMap<&str, Vec<_>> = HashMap::new();
    for subscription in subscriptions {
        by_reader
            .entry(subscription.0.reader_id.as_str())
            .or_default()
            .push(subscription.clone());
    }
    let now = Utc::now();
    for reader in readers {
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
            reader.address.line1.as_deref(),
            reader.address.line2.as_deref(),
            reader.address.city.as_deref(),
            reader.address.region.as_deref(),
            reader.address.postal_code.as_deref(),
            reader.address.country.as_deref(),
            current.map(|s| s.tier_id.as_str()),
            current.map(|s| s.state.as_str()),
            paid.as_deref(),
            Some(timestamp(reader.created_at).as_str()),
        ])?;
    }
    Ok(())
}
