//! `masthead readers import`: moves readers in from another system through
//! a CSV file. Each row is checked ([`row`]) on its own and written
//! ([`store`]) in a transaction of [`BATCH`] rows (each row in a savepoint
//! of its own when the batch has to be written again), so one bad row
//! never costs the others, and an email already known (in the database or
//! earlier in the file) is skipped: running the same file twice imports
//! nothing the second time.

mod lines;
mod report;
mod row;
mod store;

pub use report::{ImportReport, RowNote};
pub use row::{
    Columns, PaidTier, ReaderRecord, Rejection, TierCatalogue, parse_paid_until, parse_row,
};
pub use store::import_actor;

use crate::db::{self, DbConnection};
use anyhow::Context;
use csv::StringRecord;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::collections::HashMap;
use store::Stored;

/// Valid rows written per transaction: large enough that commits cost
/// little, small enough that a batch waits little for SQLite's write lock
/// held by a running server.
const BATCH: usize = 500;

/// A progress bar over the bytes of the input, drawn on standard error
/// (and so hidden when that is not a terminal).
pub fn progress_bar(total_bytes: u64) -> ProgressBar {
    let bar = ProgressBar::with_draw_target(Some(total_bytes), ProgressDrawTarget::stderr());
    if let Ok(style) =
        ProgressStyle::with_template("importing {bar:40} {binary_bytes}/{binary_total_bytes} {msg}")
    {
        bar.set_style(style);
    }
    bar
}

/// Imports the readers of a CSV `input` (header row first). `source` names
/// the file in the subscription events; `progress` follows the bytes read.
/// Fails only when the input cannot be read at all or lacks the `email`
/// and `name` headers, or when the database fails (rows imported so far
/// stay; running again skips them as duplicates).
pub fn import_readers(
    conn: &mut DbConnection,
    input: impl std::io::Read,
    source: &str,
    progress: &ProgressBar,
) -> anyhow::Result<ImportReport> {
    let mut csv = csv::ReaderBuilder::new()
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(lines::LineBreaks::new(input));
    let headers = csv.headers().context("cannot read the header row")?.clone();
    let columns = Columns::from_headers(&headers).map_err(anyhow::Error::msg)?;
    let tiers: TierCatalogue = db::tiers::all(conn)
        .context("cannot read the tiers")?
        .into_iter()
        .map(|tier| (tier.id, tier.needs_shipping_address))
        .collect();
    let mut importer = Importer {
        columns,
        tiers,
        source,
        seen: HashMap::new(),
        pending: Vec::with_capacity(BATCH),
        report: ImportReport::default(),
    };
    let mut record = StringRecord::new();
    loop {
        match csv.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {
                let byte = record.position().map_or(0, csv::Position::byte);
                let line = csv.get_mut().line_at(byte);
                importer.row(conn, line, &record)?;
            }
            Err(error) if matches!(error.kind(), csv::ErrorKind::Io(_)) => {
                return Err(error).context("cannot read the file");
            }
            // Invalid UTF-8 and the like: the reader has moved past the
            // record, so report it and carry on.
            Err(error) => {
                let byte = error.position().map_or(0, csv::Position::byte);
                let line = csv.get_mut().line_at(byte);
                let problem = if matches!(error.kind(), csv::ErrorKind::Utf8 { .. }) {
                    "not valid UTF-8 (save the file as UTF-8)".to_owned()
                } else {
                    error.to_string()
                };
                let reason = Rejection::Unreadable(problem).to_string();
                ImportReport::note(&mut importer.report.rejected, line, "", reason);
            }
        }
        progress.set_position(csv.position().byte());
    }
    importer.flush(conn)?;
    progress.finish_and_clear();
    let mut report = importer.report;
    // Rows checked at once and rows stored a batch later: back in file order.
    for list in [
        &mut report.duplicates,
        &mut report.rejected,
        &mut report.warnings,
    ] {
        list.sort_by_key(|note| note.line);
    }
    Ok(report)
}

/// The state of one import run.
struct Importer<'a> {
    columns: Columns,
    tiers: TierCatalogue,
    source: &'a str,
    /// Normalised emails handled so far, with the line that claimed each.
    seen: HashMap<String, u64>,
    /// Valid rows waiting for the next batch, with their lines.
    pending: Vec<(u64, ReaderRecord)>,
    report: ImportReport,
}

impl Importer<'_> {
    fn row(
        &mut self,
        conn: &mut DbConnection,
        line: u64,
        record: &StringRecord,
    ) -> anyhow::Result<()> {
        let raw_email = self.columns.raw_email(record).to_owned();
        let report = &mut self.report;
        let parsed = match parse_row(&self.columns, record, &self.tiers) {
            Ok(parsed) => parsed,
            Err(rejection) => {
                ImportReport::note(
                    &mut report.rejected,
                    line,
                    &raw_email,
                    rejection.to_string(),
                );
                return Ok(());
            }
        };
        let email = parsed.email.as_str().to_owned();
        if let Some(first) = self.seen.get(&email) {
            let message = format!("duplicate of line {first}");
            ImportReport::note(&mut report.duplicates, line, &email, message);
            return Ok(());
        }
        self.seen.insert(email, line);
        self.pending.push((line, parsed));
        if self.pending.len() >= BATCH {
            self.flush(conn)?;
        }
        Ok(())
    }

    /// Writes the pending rows in one transaction and reports each.
    fn flush(&mut self, conn: &mut DbConnection) -> anyhow::Result<()> {
        if self.pending.is_empty() {
            return Ok(());
        }
        let pending = std::mem::take(&mut self.pending);
        let now = chrono::Utc::now();
        let records: Vec<&ReaderRecord> = pending.iter().map(|(_, record)| record).collect();
        let (stored, failure) = match store::store_batch(conn, &records, self.source, now) {
            Ok(stored) => (stored, None),
            Err((stored, error)) => (stored, Some(error)),
        };
        for ((line, record), outcome) in pending.iter().zip(&stored) {
            self.report_stored(*line, record, *outcome, now);
        }
        if let Some(error) = failure {
            let line = pending.get(stored.len()).map_or(0, |(line, _)| *line);
            return Err(anyhow::Error::new(error))
                .with_context(|| format!("line {line}: the database failed"));
        }
        Ok(())
    }

    /// Notes what became of the stored row at `line`.
    fn report_stored(
        &mut self,
        line: u64,
        parsed: &ReaderRecord,
        stored: Stored,
        now: chrono::DateTime<chrono::Utc>,
    ) {
        let report = &mut self.report;
        let email = parsed.email.as_str();
        match stored {
            Stored::AlreadyRegistered => {
                let message = "already registered".to_owned();
                ImportReport::note(&mut report.duplicates, line, email, message);
                return;
            }
            Stored::Imported { subscribed } => {
                report.imported += 1;
                report.subscribed += usize::from(subscribed);
            }
        }
        for warning in &parsed.warnings {
            ImportReport::note(&mut report.warnings, line, email, warning.clone());
        }
        match &parsed.paid {
            Some(paid) if paid.paid_until <= now => {
                let message = format!(
                    "paid_until {} has passed: imported without a subscription",
                    crate::domain::rfc3339_seconds(paid.paid_until)
                );
                ImportReport::note(&mut report.warnings, line, email, message);
            }
            Some(paid) if paid.ships_print && parsed.address.is_none() => {
                let message = format!(
                    "{} subscription without a shipping address: support must collect one",
                    paid.tier
                );
                ImportReport::note(&mut report.warnings, line, email, message);
            }
            _ => {}
        }
    }
}
