//! What an import did, row by row: the summary printed at the end and the
//! CSV of rejected rows an operator can fix and feed back in.

use std::fmt;

/// A row the report mentions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowNote {
    /// The row's line in the file (the header is line 1).
    pub line: u64,
    /// The email as written in the file (possibly invalid).
    pub email: String,
    /// Why the row is mentioned.
    pub message: String,
}

/// The outcome of one import.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportReport {
    /// Readers created.
    pub imported: usize,
    /// Of those, how many came with an active subscription.
    pub subscribed: usize,
    /// Rows skipped because their email is already registered or appeared
    /// earlier in the file.
    pub duplicates: Vec<RowNote>,
    /// Rows not imported, with the reason.
    pub rejected: Vec<RowNote>,
    /// Rows imported that someone should look at.
    pub warnings: Vec<RowNote>,
}

impl ImportReport {
    pub(super) fn note(list: &mut Vec<RowNote>, line: u64, email: &str, message: String) {
        list.push(RowNote {
            line,
            email: email.to_owned(),
            message,
        });
    }

    /// Writes the rejected rows as CSV (`line,email,reason`).
    pub fn write_rejected_csv(&self, out: impl std::io::Write) -> anyhow::Result<()> {
        let mut writer = csv::Writer::from_writer(out);
        writer.write_record(["line", "email", "reason"])?;
        for row in &self.rejected {
            writer.write_record([row.line.to_string().as_str(), &row.email, &row.message])?;
        }
        writer.flush()?;
        Ok(())
    }
}

fn list(f: &mut fmt::Formatter<'_>, rows: &[RowNote]) -> fmt::Result {
    for row in rows {
        if row.email.is_empty() {
            writeln!(f, "  line {}: {}", row.line, row.message)?;
        } else {
            writeln!(f, "  line {} ({}): {}", row.line, row.email, row.message)?;
        }
    }
    Ok(())
}

impl fmt::Display for ImportReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "imported {} (with an active subscription: {})",
            self.imported, self.subscribed
        )?;
        writeln!(f, "duplicates {}", self.duplicates.len())?;
        list(f, &self.duplicates)?;
        writeln!(f, "rejected {}", self.rejected.len())?;
        list(f, &self.rejected)?;
        writeln!(f, "warnings {}", self.warnings.len())?;
        list(f, &self.warnings)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report() -> ImportReport {
        let mut report = ImportReport {
            imported: 2,
            subscribed: 1,
            ..ImportReport::default()
        };
        ImportReport::note(
            &mut report.rejected,
            7,
            "nobody",
            "invalid email: this is not an email address".into(),
        );
        ImportReport::note(
            &mut report.rejected,
            9,
            "",
            "expected 3 columns, found 2".into(),
        );
        report
    }

    #[test]
    fn the_summary_counts_and_lists_rejected_lines() {
        let text = report().to_string();
        assert!(
            text.starts_with("imported 2 (with an active subscription: 1)\n"),
            "{text}"
        );
        assert!(text.contains("duplicates 0\n"));
        assert!(text.contains("rejected 2\n  line 7 (nobody): invalid email"));
        assert!(text.contains("  line 9: expected 3 columns"));
    }

    #[test]
    fn rejected_rows_are_written_as_csv() {
        let mut out = Vec::new();
        report().write_rejected_csv(&mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert_eq!(
            text,
            "line,email,reason\n7,nobody,invalid email: this is not an email address\n9,,\"expected 3 columns, found 2\"\n"
        );
    }
}
