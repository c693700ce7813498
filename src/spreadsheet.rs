//! CSV files that staff open in a spreadsheet: the reader export and the
//! print mailing list. Their cells hold what readers typed (names,
//! addresses), and a spreadsheet runs a cell starting with `=`, `+`, `-`
//! or `@` as a formula, so a reader named `=HYPERLINK(..)` could plant a
//! link or worse in a staff member's spreadsheet. Every such cell is
//! prefixed with `'`, which spreadsheets show as text (OWASP "CSV
//! injection").

use actix_web::http::header;
use actix_web::{HttpResponse, HttpResponseBuilder};

/// The media type of every CSV answer.
pub const CSV_CONTENT_TYPE: &str = "text/csv; charset=utf-8";

/// Full-width forms of the formula characters: spreadsheets with East Asian
/// input (Excel, LibreOffice) read a cell starting with `＝` as a formula too.
const FULLWIDTH_EQUALS: char = '\u{ff1d}';
const FULLWIDTH_PLUS: char = '\u{ff0b}';
const FULLWIDTH_MINUS: char = '\u{ff0d}';
const FULLWIDTH_AT: char = '\u{ff20}';

/// A cell made safe to open in a spreadsheet: one starting with `=`, `+`,
/// `-`, `@` (or their full-width forms), a tab or a carriage return gets a
/// leading `'`.
pub fn safe_cell(value: &str) -> std::borrow::Cow<'_, str> {
    match value.chars().next() {
        Some(
            '=' | '+' | '-' | '@' | '\t' | '\r' | FULLWIDTH_EQUALS | FULLWIDTH_PLUS
            | FULLWIDTH_MINUS | FULLWIDTH_AT,
        ) => format!("'{value}").into(),
        _ => value.into(),
    }
}

/// The head of a `200` CSV download named `filename`, for a document
/// sent whole or streamed.
pub fn csv_download(filename: &str) -> HttpResponseBuilder {
    let mut response = HttpResponse::Ok();
    response
        .insert_header((header::CONTENT_TYPE, CSV_CONTENT_TYPE))
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{filename}\""),
        ));
    response
}

/// A CSV document built in memory, row by row, every cell escaped.
pub struct Spreadsheet {
    writer: csv::Writer<Vec<u8>>,
    rows: usize,
}

impl Spreadsheet {
    /// A document whose first line is `header`.
    pub fn new(header: &[&str]) -> anyhow::Result<Self> {
        let mut writer = csv::Writer::from_writer(Vec::new());
        writer.write_record(header)?;
        Ok(Self { writer, rows: 0 })
    }

    /// Appends a row; `None` cells are left empty.
    pub fn row<'a, I>(&mut self, cells: I) -> anyhow::Result<()>
    where
        I: IntoIterator<Item = Option<&'a str>>,
    {
        let cells: Vec<_> = cells
            .into_iter()
            .map(|cell| safe_cell(cell.unwrap_or_default()))
            .collect();
        self.writer
            .write_record(cells.iter().map(AsRef::<str>::as_ref))?;
        self.rows += 1;
        Ok(())
    }

    /// How many rows were written (the header not counted).
    pub fn rows(&self) -> usize {
        self.rows
    }

    /// The bytes written since the last call (the header and rows so far
    /// on the first): a streamed document's next chunk.
    pub fn take_bytes(&mut self) -> anyhow::Result<Vec<u8>> {
        let written = std::mem::replace(&mut self.writer, csv::Writer::from_writer(Vec::new()));
        Ok(written
            .into_inner()
            .map_err(csv::IntoInnerError::into_error)?)
    }

    /// The finished document.
    pub fn into_bytes(self) -> anyhow::Result<Vec<u8>> {
        Ok(self
            .writer
            .into_inner()
            .map_err(csv::IntoInnerError::into_error)?)
    }

    /// A `200` download named `filename`.
    pub fn into_response(self, filename: &str) -> anyhow::Result<HttpResponse> {
        Ok(csv_download(filename).body(self.into_bytes()?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_starts_are_quoted() {
        for dangerous in [
            "=1+1",
            "+1",
            "-1",
            "@SUM(A1)",
            "\tx",
            "\rx",
            "＝1+1",
            "＋1",
            "－1",
            "＠SUM(A1)",
        ] {
            assert_eq!(safe_cell(dangerous), format!("'{dangerous}"));
        }
    }

    #[test]
    fn ordinary_cells_are_left_alone() {
        for plain in ["Ada", "", "1 Fleet Street", "a=b", " =x", "'already"] {
            assert_eq!(safe_cell(plain), plain);
        }
    }

    #[test]
    fn a_document_quotes_commas_and_escapes_formulas() {
        let mut sheet = Spreadsheet::new(&["name", "city"]).unwrap();
        sheet
            .row([Some(r#"=HYPERLINK("http://x","y")"#), None])
            .unwrap();
        sheet.row([Some("King, Ada"), Some("London")]).unwrap();
        assert_eq!(sheet.rows(), 2);
        let text = String::from_utf8(sheet.into_bytes().unwrap()).unwrap();
        assert_eq!(
            text,
            "name,city\n\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\",\n\"King, Ada\",London\n"
        );
    }

    #[test]
    fn chunks_taken_in_turn_join_into_the_document() {
        let mut sheet = Spreadsheet::new(&["name"]).unwrap();
        sheet.row([Some("Ada")]).unwrap();
        let first = sheet.take_bytes().unwrap();
        sheet.row([Some("Grace")]).unwrap();
        let second = sheet.take_bytes().unwrap();
        assert_eq!(first, b"name\nAda\n");
        assert_eq!(second, b"Grace\n");
        assert!(sheet.take_bytes().unwrap().is_empty(), "nothing new");
    }
}
