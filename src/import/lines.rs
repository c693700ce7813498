//! Line numbers of CSV records as a person sees them in an editor.
//!
//! The csv crate takes a record's position *before* it skips the line
//! break that ends the previous record. With `\r\n` endings (what Excel and
//! Python's csv module write) it stops after the `\r`, so the `\n` still
//! ahead makes every row's line one too low, and blank lines shift the
//! numbers the same way. [`LineBreaks`] reads through the input beside the
//! parser, remembering where the line breaks are, and tells the line of the
//! first byte a record really starts at (`\r\n`, `\n` and a lone `\r`
//! each end one line).

use std::collections::VecDeque;
use std::io::Read;

/// The input, with the offsets of the line-break bytes (`\r`, `\n`) not yet
/// passed by a record.
pub struct LineBreaks<R> {
    inner: R,
    /// Bytes read so far.
    offset: u64,
    /// Offsets of `\r` and `\n` bytes ahead of the last record asked about.
    breaks: VecDeque<(u64, u8)>,
    /// `\n` bytes before the last record asked about.
    newlines_passed: u64,
}

impl<R> LineBreaks<R> {
    /// Wraps `inner`.
    pub fn new(inner: R) -> Self {
        Self {
            inner,
            offset: 0,
            breaks: VecDeque::new(),
            newlines_passed: 0,
        }
    }

    /// The 1-based line of a record whose position (as the csv crate
    /// reports it) is `byte`: line breaks at that offset are the end of
    /// the previous line, so they count too. Offsets must be asked for in
    /// increasing order (the order records are read in).
    pub fn line_at(&mut self, byte: u64) -> u64 {
        while self.breaks.front().is_some_and(|&(at, _)| at < byte) {
            self.newlines_passed += u64::from(self.ends_line(0));
            self.breaks.pop_front();
        }
        let mut line = 1 + self.newlines_passed;
        for (i, expected) in (0..self.breaks.len()).zip(byte..) {
            if self.breaks[i].0 != expected {
                break;
            }
            line += u64::from(self.ends_line(i));
        }
        line
    }

    /// Whether the break byte at `i` ends a line: a `\n`, or a `\r` not
    /// followed by one (old Mac files), so `\r\n` counts once.
    fn ends_line(&self, i: usize) -> bool {
        match self.breaks[i] {
            (_, b'\n') => true,
            (at, _) => self.breaks.get(i + 1) != Some(&(at + 1, b'\n')),
        }
    }
}

impl<R: Read> Read for LineBreaks<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let read = self.inner.read(buf)?;
        for (i, &b) in buf[..read].iter().enumerate() {
            if b == b'\n' || b == b'\r' {
                self.breaks.push_back((self.offset + i as u64, b));
            }
        }
        self.offset += read as u64;
        Ok(read)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record_lines(input: &[u8]) -> Vec<u64> {
        let mut csv = csv::ReaderBuilder::new()
            .flexible(true)
            .from_reader(LineBreaks::new(input));
        let mut record = csv::StringRecord::new();
        let mut lines = Vec::new();
        while csv.read_record(&mut record).unwrap() {
            let byte = record.position().unwrap().byte();
            lines.push(csv.get_mut().line_at(byte));
        }
        lines
    }

    #[test]
    fn crlf_lf_blank_lines_and_quoted_breaks_give_editor_lines() {
        assert_eq!(record_lines(b"email,name\na,1\nb,2\n"), [2, 3]);
        assert_eq!(record_lines(b"email,name\r\na,1\r\nb,2\r\n"), [2, 3]);
        assert_eq!(
            record_lines(b"email,name\r\n\r\na,1\r\n\r\n\r\nb,2"),
            [3, 6]
        );
        assert_eq!(
            record_lines(b"email,name\n\na,1\n\"x\r\ny\",2\nc,3\n"),
            [3, 4, 6]
        );
        assert_eq!(record_lines(b"email,name\ra,1\rb,2\r"), [2, 3]);
    }
}
