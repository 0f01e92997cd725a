//! Byte offsets to 1-based lines and character columns, computed only when something is
//! printed or compared with line numbers from a diff.
//!
//! Sources are bytes, not `str`: a migration may hold a GBK comment. Columns count characters
//! the way an editor does on a UTF-8 file: a tab is one character, and each invalid byte
//! sequence is one replacement character.

use std::ops::Range;

/// A 1-based line and character column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

/// Line starts of one source, for repeated offset lookups.
#[derive(Debug, Clone)]
pub struct LineIndex {
    /// Byte offset at which each line starts; always begins with 0.
    starts: Vec<usize>,
    len: usize,
}

impl LineIndex {
    pub fn new(source: &[u8]) -> LineIndex {
        let mut starts = vec![0];
        starts.extend(newline_offsets(source).map(|i| i + 1));
        LineIndex {
            starts,
            len: source.len(),
        }
    }

    /// 1-based line of a byte offset (an offset past the end counts as the last line).
    pub fn line(&self, offset: usize) -> usize {
        let offset = offset.min(self.len);
        // `starts` is sorted and starts with 0, so the partition point is at least 1.
        self.starts.partition_point(|&start| start <= offset)
    }

    /// Byte range of a 1-based line, without its line ending (`\n` or `\r\n`).
    pub fn line_range(&self, source: &[u8], line: usize) -> Range<usize> {
        let start = self
            .starts
            .get(line.saturating_sub(1))
            .copied()
            .unwrap_or(self.len);
        let mut end = self
            .starts
            .get(line)
            .map(|next| next - 1)
            .unwrap_or(self.len);
        if end > start && source.get(end - 1) == Some(&b'\r') {
            end -= 1;
        }
        start..end
    }

    /// 1-based line and character column of a byte offset.
    pub fn position(&self, source: &[u8], offset: usize) -> Position {
        let offset = offset.min(self.len);
        let line = self.line(offset);
        let start = self.starts[line - 1];
        Position {
            line,
            column: char_count(&source[start..offset]) + 1,
        }
    }

    /// Positions of many offsets, in the order given. Each line is walked once from its
    /// start, however many offsets fall on it, so thousands of findings on one long line
    /// cost one walk of the line rather than one per finding.
    pub fn positions(&self, source: &[u8], offsets: &[usize]) -> Vec<Position> {
        let mut order: Vec<usize> = (0..offsets.len()).collect();
        order.sort_by_key(|&i| offsets[i]);
        let mut out = vec![Position { line: 1, column: 1 }; offsets.len()];
        // Where the walk stands: a line, a byte on it where a character starts, and how many
        // characters come before that byte.
        let mut cursor = (0, 0, 0);
        for i in order {
            let offset = offsets[i].min(self.len);
            let line = self.line(offset);
            if cursor.0 != line {
                cursor = (line, self.starts[line - 1], 0);
            }
            let (_, from, before) = cursor;
            let bytes = source.get(from..offset).unwrap_or_default();
            let chars = char_count(bytes);
            out[i] = Position {
                line,
                column: before + chars + 1,
            };
            // An offset inside an invalid sequence is no place to restart the count from;
            // the next offset counts from the last character start instead.
            let whole = bytes
                .utf8_chunks()
                .last()
                .is_none_or(|chunk| chunk.invalid().is_empty());
            if whole {
                cursor = (line, offset, before + chars);
            }
        }
        out
    }

    pub fn line_count(&self) -> usize {
        // A trailing newline does not open a new, empty line for our purposes.
        if self.len > 0 && self.starts.last() == Some(&self.len) {
            self.starts.len() - 1
        } else {
            self.starts.len()
        }
    }
}

fn newline_offsets(source: &[u8]) -> impl Iterator<Item = usize> + '_ {
    source
        .iter()
        .enumerate()
        .filter(|(_, b)| **b == b'\n')
        .map(|(i, _)| i)
}

/// Characters in `bytes`, decoded as UTF-8 with each invalid sequence counted as one
/// character (the replacement character an editor would show).
pub fn char_count(bytes: &[u8]) -> usize {
    bytes
        .utf8_chunks()
        .map(|chunk| chunk.valid().chars().count() + usize::from(!chunk.invalid().is_empty()))
        .sum()
}

/// The Levenshtein distance between `a` and `b`, by characters.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let substituted = diagonal + usize::from(ca != *cb);
            diagonal = row[j + 1];
            row[j + 1] = substituted.min(row[j] + 1).min(row[j + 1] + 1);
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {

    #[test]
    fn edit_distance_counts_characters() {
        assert_eq!(edit_distance("field-name", "field-name"), 0);
        assert_eq!(edit_distance("field-nmae", "field-name"), 2);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("时间", "时"), 1);
    }
    use super::*;

    #[test]
    fn lines_and_columns_on_ascii() {
        let src = b"ab\ncd\n";
        let idx = LineIndex::new(src);
        assert_eq!(idx.position(src, 0), Position { line: 1, column: 1 });
        assert_eq!(idx.position(src, 4), Position { line: 2, column: 2 });
        assert_eq!(idx.line_count(), 2);
        assert_eq!(idx.line_range(src, 2), 3..5);
    }

    #[test]
    fn columns_count_characters_not_bytes() {
        let src = "# 创建时间\nx = \"create_time\"  # 时间\n".as_bytes();
        let idx = LineIndex::new(src);
        let offset = src.windows(11).position(|w| w == b"create_time").unwrap();
        assert_eq!(idx.position(src, offset), Position { line: 2, column: 6 });
        let src = "(\"时间\", \"create_time\")".as_bytes();
        let offset = src.windows(11).position(|w| w == b"create_time").unwrap();
        assert_eq!(LineIndex::new(src).position(src, offset).column, 9);
    }

    #[test]
    fn crlf_is_not_part_of_the_line() {
        let src = b"a\r\nbc\r\n";
        let idx = LineIndex::new(src);
        assert_eq!(idx.line_range(src, 1), 0..1);
        assert_eq!(idx.line_range(src, 2), 3..5);
        assert_eq!(idx.position(src, 4), Position { line: 2, column: 2 });
    }

    #[test]
    fn invalid_bytes_count_as_replacement_characters() {
        let src = b"\xb4\xb4 x";
        assert_eq!(LineIndex::new(src).position(src, 3).column, 4);
        assert_eq!(char_count("\u{521b}".as_bytes()), 1);
        assert_eq!(char_count(b"\xe5\x88 x"), 3);
    }

    /// The one-walk positions are those of [`LineIndex::position`], at every offset of
    /// text with tabs, CRLF, wide characters and invalid bytes, asked in any order.
    #[test]
    fn positions_at_once_are_positions_one_by_one() {
        let src = "a\t创建\r\n\"x\" \u{1F600}\n\n".as_bytes();
        let mut src = src.to_vec();
        src.extend(b"\xe5\x88 \xb4\xb4\"y\"\xff");
        let idx = LineIndex::new(&src);
        let mut offsets: Vec<usize> = (0..=src.len() + 2).collect();
        offsets.extend((0..=src.len()).rev().step_by(3));
        let one_by_one: Vec<Position> = offsets.iter().map(|&o| idx.position(&src, o)).collect();
        assert_eq!(idx.positions(&src, &offsets), one_by_one);
        assert!(idx.positions(&src, &[]).is_empty());
    }

    #[test]
    fn empty_source_and_last_line_without_newline() {
        let idx = LineIndex::new(b"");
        assert_eq!(idx.position(b"", 0), Position { line: 1, column: 1 });
        assert_eq!(idx.line_count(), 1);
        let src = b"a\nb";
        let idx = LineIndex::new(src);
        assert_eq!(idx.line_count(), 2);
        assert_eq!(idx.line_range(src, 2), 2..3);
        assert_eq!(idx.line(100), 2);
    }
}
