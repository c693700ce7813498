//! Support exports an issue's print mailing list: everyone whose
//! subscription granted the print edition at the cut-off (the publication
//! date minus `MASTHEAD_PRINT_CUTOFF_DAYS`), even if it has ended since.
//! Every export is audited with which list went out, in which form, and
//! how many readers it named.

use super::issue_not_found;
use super::mailing_list::{Drawing, MailingList};
use crate::db::audit_log::AuditEntry;
use crate::db::{self, Database};
use crate::error::ApiError;
use serde_json::json;

/// Which list leaves the building, and in which form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MailingListExport {
    /// Both lists, as JSON.
    Json,
    /// The mailable readers, as CSV.
    RecipientsCsv,
    /// The readers to chase for an address, as CSV.
    MissingAddressCsv,
}

/// The mailing list of issue `number`, its export recorded in the audit
/// log. 404 for an unknown number.
pub async fn export_mailing_list(
    db: &Database,
    number: i32,
    cutoff_days: i64,
    export: MailingListExport,
    audit: AuditEntry,
) -> Result<MailingList, ApiError> {
    let list = db
        .run(move |conn| {
            let issue = db::issues::find_by_number(conn, number)?.ok_or_else(issue_not_found)?;
            let cutoff = issue.issue.publication_date - chrono::Duration::days(cutoff_days);
            let mut list = Drawing::new(number, cutoff.and_utc());
            db::mailing_list::print_candidates(conn, cutoff, |c| list.consider(c))?;
            Ok(list.finish())
        })
        .await?;
    let entry = audit.details(&json!({
        "format": if export == MailingListExport::Json { "json" } else { "csv" },
        "list": if export == MailingListExport::MissingAddressCsv { "missing_address" } else { "recipients" },
        "recipients": list.recipients.len(),
        "missing_address": list.missing_address.len(),
    }));
    db.run(move |conn| {
        db::write_transaction(conn, |conn| Ok(db::audit_log::record(conn, &entry)?))
    })
    .await?;
    Ok(list)
}
