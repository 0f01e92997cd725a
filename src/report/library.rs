//! `--check-library`: a library's problems and notes, one line each with file and line, then a
//! verdict line.

use std::io::{self, Write};

use super::Palette;
use crate::check::Severity;
use crate::library::{Level, Library};

/// What the check found, for the exit status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Clean,
    /// Problems, none of which stops a run.
    Problems,
    /// At least one row cannot be read.
    Unreadable,
}

impl Verdict {
    /// What `library`'s problems amount to (notes are none).
    pub fn of(library: &Library) -> Verdict {
        let problems = library.problems();
        if problems.iter().any(|p| p.is_fatal()) || library.checks_nothing() {
            Verdict::Unreadable
        } else if problems.iter().all(|p| p.is_note()) {
            Verdict::Clean
        } else {
            Verdict::Problems
        }
    }
}

/// Print the problems of `library`, loaded from `names` (as shown to the user).
pub fn print_library_check(
    out: &mut impl Write,
    library: &Library,
    names: &str,
    color: bool,
) -> io::Result<Verdict> {
    let palette = Palette::new(color);
    let problems = library.problems();
    for problem in problems {
        let level = match problem.level() {
            Level::Error => palette.severity(Severity::Error).style("error"),
            Level::Warning => palette.severity(Severity::Warning).style("warning"),
            Level::Note => palette.emphasis().style("note"),
        };
        writeln!(out, "{}: {level}: {problem}", problem.location)?;
    }
    let fatal = problems.iter().filter(|p| p.is_fatal()).count();
    // Each file lists wrong names, and each name is also declared correct somewhere.
    let emptied = fatal == 0 && library.checks_nothing();
    if emptied {
        writeln!(
            out,
            "{names}: {}: no wrong name is left, since each one listed is also declared \
             correct (see the warnings above), so the library checks nothing",
            palette.severity(Severity::Error).style("error"),
        )?;
    }
    let verdict = Verdict::of(library);
    if verdict == Verdict::Clean {
        writeln!(out, "{names}: no problems ({} wrong names)", library.len())?;
        return Ok(verdict);
    }
    let count = problems.iter().filter(|p| !p.is_note()).count() + usize::from(emptied);
    writeln!(
        out,
        "{names}: {count} problem(s), {} of them unreadable rows",
        fatal + usize::from(emptied)
    )?;
    Ok(verdict)
}
