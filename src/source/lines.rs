//! Which lines of a file a change adds: a Myers diff over lines, the algorithm git uses by
//! default. Done here rather than through libgit2's patch, which looks up diff drivers in
//! `.gitattributes` and so loads the whole index for every file.

use std::ops::Range;

use similar::{Algorithm, DiffOp, capture_diff_slices};

/// The 1-based line ranges (end exclusive) of `new` that are not in `old`.
pub fn added(old: &[u8], new: &[u8]) -> Vec<Range<usize>> {
    let (old, new) = (lines(old), lines(new));
    let mut ranges: Vec<Range<usize>> = Vec::new();
    for op in capture_diff_slices(Algorithm::Myers, &old, &new) {
        let (start, len) = match op {
            DiffOp::Insert {
                new_index, new_len, ..
            }
            | DiffOp::Replace {
                new_index, new_len, ..
            } => (new_index + 1, new_len),
            DiffOp::Equal { .. } | DiffOp::Delete { .. } => continue,
        };
        match ranges.last_mut() {
            Some(last) if last.end == start => last.end += len,
            _ => ranges.push(start..start + len),
        }
    }
    ranges
}

/// Lines with their endings, so a changed line end counts as a change.
fn lines(text: &[u8]) -> Vec<&[u8]> {
    text.split_inclusive(|&b| b == b'\n').collect()
}

#[cfg(test)]
mod tests {
    use super::added;

    #[test]
    fn insertions_and_replacements() {
        assert_eq!(added(b"a\nb\nc\n", b"a\nx\nb\nc\ny\n"), vec![2..3, 5..6]);
        assert_eq!(added(b"a\nb\n", b"a\nB\n"), vec![2..3]);
        assert!(added(b"a\nb\n", b"a\n").is_empty());
        assert!(added(b"a\n", b"a\n").is_empty());
        assert_eq!(added(b"", b"a\nb"), vec![1..3]);
    }

    #[test]
    fn a_new_line_end_is_a_change() {
        assert_eq!(added(b"a", b"a\n"), vec![1..2]);
        assert_eq!(added(b"a\n", b"a\r\n"), vec![1..2]);
    }
}
