//! `--check-library`: a library's problems, one line each with file and line, then a
//! verdict line.

use std::io::{self, Write};

use super::Palette;
use crate::check::Severity;
use crate::library::Library;

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
    /// What `library`'s problems amount to.
    pub fn of(library: &Library) -> Verdict {
        let problems = library.problems();
        if problems.iter().any(|p| p.is_fatal()) {
            Verdict::Unreadable
        } else if problems.is_empty() {
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
        let severity = if problem.is_fatal() {
            Severity::Error
        } else {
            Severity::Warning
        };
        writeln!(
            out,
            "{}: {}: {problem}",
            problem.location,
            palette.severity(severity).style(severity.as_str())
        )?;
    }
    if problems.is_empty() {
        writeln!(out, "{names}: no problems ({} wrong names)", library.len())?;
        return Ok(Verdict::Clean);
    }
    let fatal = problems.iter().filter(|p| p.is_fatal()).count();
    writeln!(
        out,
        "{names}: {} problem(s), {fatal} of them unreadable rows",
        problems.len()
    )?;
    Ok(if fatal > 0 {
        Verdict::Unreadable
    } else {
        Verdict::Problems
    })
}
