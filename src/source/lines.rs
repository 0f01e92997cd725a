//! Which lines of a file a change adds, as git's own diff says: libgit2's copy of git's
//! xdiff over the two buffers, with git's defaults (Myers with xdiff's cost heuristics, the
//! indent heuristic on).
//!
//! Git's added lines are the ones that matter: a name on a line git shows as added must be
//! checked. Another line diff can pick another of several equally short edit scripts when
//! lines repeat (`),` and `migrations.AddField(` do), and so call a line unchanged that git
//! calls added. xdiff's heuristics also keep a rewrite of a 40,000-line file to milliseconds,
//! where a plain Myers diff costs (lines × changes), seconds. No path is given to libgit2, so
//! it looks up no diff attributes (which would load the whole index for every file).

use std::ops::Range;

use git2::{DiffOptions, Patch};

/// The 1-based line ranges (end exclusive) of `new` that are not in `old`.
pub fn added(old: &[u8], new: &[u8]) -> Vec<Range<usize>> {
    let mut options = DiffOptions::new();
    // A NUL byte would make libgit2 call the file binary and show no lines.
    options
        .context_lines(0)
        .indent_heuristic(true)
        .force_text(true);
    diff(old, new, &mut options).unwrap_or_else(|| every_line(new))
}

/// The added ranges of libgit2's diff, or `None` when it gave none for different contents:
/// a file it treats as binary (over 1 GiB), or a failure.
fn diff(old: &[u8], new: &[u8], options: &mut DiffOptions) -> Option<Vec<Range<usize>>> {
    let patch = Patch::from_buffers(old, None, new, None, Some(options)).ok()?;
    if patch.delta().flags().is_binary() || (patch.num_hunks() == 0 && old != new) {
        return None;
    }
    let mut ranges: Vec<Range<usize>> = Vec::new();
    for index in 0..patch.num_hunks() {
        let (hunk, _) = patch.hunk(index).ok()?;
        let (start, len) = (hunk.new_start() as usize, hunk.new_lines() as usize);
        if len == 0 {
            continue;
        }
        match ranges.last_mut() {
            Some(last) if last.end == start => last.end += len,
            _ => ranges.push(start..start + len),
        }
    }
    Some(ranges)
}

/// Every line of `text`: what counts as added when there is no diff to go by, since
/// counting too many lines reports more, and counting too few lets a wrong name through.
// One range of lines is meant: the whole file.
#[allow(clippy::single_range_in_vec_init)]
fn every_line(text: &[u8]) -> Vec<Range<usize>> {
    let lines = text.split_inclusive(|&b| b == b'\n').count();
    if lines == 0 {
        Vec::new()
    } else {
        vec![1..lines + 1]
    }
}

#[cfg(test)]
mod tests;
