//! Split a library's bytes into CSV records with the physical line each one starts on, turning
//! what the `csv` crate accepts silently (unterminated quotes, invalid UTF-8) into items the
//! loader reports.

use csv::{ByteRecord, ReaderBuilder};

pub(super) const BOM: &[u8] = b"\xEF\xBB\xBF";

/// One thing read from the input, in input order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Item {
    /// A record and the 1-based line it starts on.
    Record { line: usize, cells: Vec<String> },
    /// A record holding bytes that are not UTF-8; `line` is the line of the first such byte.
    InvalidUtf8 { line: usize },
    /// A quoted cell opened on `line` and never closed.
    UnterminatedQuote { line: usize },
    /// The CSV reader gave up; nothing after `line` was read.
    Unreadable { line: usize, reason: String },
}

/// Read every record of `bytes`. A UTF-8 byte order mark is dropped; blank lines produce no
/// record.
pub(super) fn read(bytes: &[u8]) -> Vec<Item> {
    let bytes = bytes.strip_prefix(BOM).unwrap_or(bytes);
    let lines = LineIndex::new(bytes);
    let mut items = Vec::new();
    let mut start = 0;
    while start < bytes.len() {
        match read_from(bytes, start, &lines, &mut items) {
            Some(resume) => start = resume,
            None => break,
        }
    }
    items
}

/// Read records from `start` to the end of input. Returns where to resume when a quote is left
/// open: the csv reader would otherwise swallow the rest of the file into one cell, hiding every
/// later row.
fn read_from(
    bytes: &[u8],
    start: usize,
    lines: &LineIndex,
    items: &mut Vec<Item>,
) -> Option<usize> {
    let input = &bytes[start..];
    let mut reader = ReaderBuilder::new()
        .flexible(true)
        .has_headers(false)
        .from_reader(input);
    let mut record = ByteRecord::new();
    loop {
        let before = offset(reader.position().byte(), input.len());
        match reader.read_byte_record(&mut record) {
            Ok(true) => {}
            Ok(false) => return None,
            Err(err) => {
                items.push(Item::Unreadable {
                    line: lines.line_of(start + before),
                    reason: err.to_string(),
                });
                return None;
            }
        }
        // The reader's own position for a record is taken before the line ends and blank lines
        // it skips, so the line is found from the first byte that belongs to the record.
        let skipped = input[before..]
            .iter()
            .take_while(|b| matches!(b, b'\r' | b'\n'))
            .count();
        let first = start + before + skipped;
        let end = start + offset(reader.position().byte(), input.len());
        let raw = &bytes[first..end.max(first)];
        if let Some(quote) = open_quote(raw) {
            let line = lines.line_of(first + quote);
            items.push(Item::UnterminatedQuote { line });
            return lines.start_of(line + 1);
        }
        items.push(decode(&record, raw, first, lines));
    }
}

fn decode(record: &ByteRecord, raw: &[u8], first: usize, lines: &LineIndex) -> Item {
    let mut cells = Vec::with_capacity(record.len());
    for cell in record {
        match std::str::from_utf8(cell) {
            Ok(text) => cells.push(text.to_owned()),
            Err(_) => {
                let bad = std::str::from_utf8(raw)
                    .err()
                    .map_or(0, |e| e.valid_up_to());
                return Item::InvalidUtf8 {
                    line: lines.line_of(first + bad),
                };
            }
        }
    }
    Item::Record {
        line: lines.line_of(first),
        cells,
    }
}

fn offset(position: u64, len: usize) -> usize {
    usize::try_from(position).map_or(len, |p| p.min(len))
}

/// The offset of the quote opening a cell that is still open at the end of `raw`, following the
/// csv crate's default dialect: a quote opens a cell only at its start, a doubled quote inside
/// stands for one quote, and anything else after the closing quote continues the cell unquoted.
fn open_quote(raw: &[u8]) -> Option<usize> {
    enum State {
        CellStart,
        Unquoted,
        Quoted(usize),
        AfterQuote(usize),
    }
    let mut state = State::CellStart;
    for (i, &b) in raw.iter().enumerate() {
        let separator = matches!(b, b',' | b'\r' | b'\n');
        state = match state {
            State::CellStart if b == b'"' => State::Quoted(i),
            State::CellStart | State::Unquoted | State::AfterQuote(_) if separator => {
                State::CellStart
            }
            State::CellStart | State::Unquoted => State::Unquoted,
            State::Quoted(q) if b == b'"' => State::AfterQuote(q),
            State::Quoted(q) => State::Quoted(q),
            State::AfterQuote(q) if b == b'"' => State::Quoted(q),
            State::AfterQuote(_) => State::Unquoted,
        };
    }
    match state {
        State::Quoted(q) => Some(q),
        _ => None,
    }
}

/// Byte offsets of line feeds, to turn offsets into 1-based line numbers. Only `\n` ends a
/// line, so CRLF files count the same as LF files.
struct LineIndex {
    newlines: Vec<usize>,
    len: usize,
}

impl LineIndex {
    fn new(bytes: &[u8]) -> LineIndex {
        let newlines = bytes
            .iter()
            .enumerate()
            .filter_map(|(i, &b)| (b == b'\n').then_some(i))
            .collect();
        LineIndex {
            newlines,
            len: bytes.len(),
        }
    }

    fn line_of(&self, offset: usize) -> usize {
        self.newlines.partition_point(|&nl| nl < offset) + 1
    }

    /// The offset where `line` starts, if the input has such a line with something on it.
    fn start_of(&self, line: usize) -> Option<usize> {
        let start = match line {
            0 | 1 => 0,
            n => self.newlines.get(n - 2)? + 1,
        };
        (start < self.len).then_some(start)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn open_quote_follows_the_default_dialect() {
        assert_eq!(open_quote(b"a,\"b,c\""), None);
        assert_eq!(open_quote(b"a,\"b\"\"c\"\n"), None);
        assert_eq!(open_quote(b"a,b\"c,d"), None);
        assert_eq!(open_quote(b"a,\"b\"c\"d"), None);
        assert_eq!(open_quote(b"a,\"b,c\nd,e"), Some(2));
        assert_eq!(open_quote(b"a,\"b\"\"\nc"), Some(2));
        assert_eq!(open_quote(b"\"a\"\n,\"b"), Some(5));
    }

    #[test]
    fn line_index_counts_line_feeds_only() {
        let lines = LineIndex::new(b"ab\r\ncd\n\nef");
        assert_eq!(lines.line_of(0), 1);
        assert_eq!(lines.line_of(3), 1);
        assert_eq!(lines.line_of(4), 2);
        assert_eq!(lines.line_of(8), 4);
        assert_eq!(lines.start_of(2), Some(4));
        assert_eq!(lines.start_of(4), Some(8));
        assert_eq!(lines.start_of(5), None);
    }

    #[test]
    fn reading_resumes_after_an_unterminated_quote() {
        let items = read(b"h\n\"a,b\nc,d\n");
        assert_eq!(
            items,
            vec![
                Item::Record {
                    line: 1,
                    cells: vec!["h".into()]
                },
                Item::UnterminatedQuote { line: 2 },
                Item::Record {
                    line: 3,
                    cells: vec!["c".into(), "d".into()]
                },
            ]
        );
    }
}
