//! What can be wrong with a field library, which of it stops the run, and how each problem is
//! worded.

use std::fmt;

use super::sniff::Separator;
use super::{Location, Problem};

/// The kinds of problems a library can have. The fatal ones (see [`Problem::is_fatal`]) mean a
/// row could not be read as intended, or the library would check nothing; the others are
/// contradictions or oddities in rows that were read, reported so that the library gets fixed,
/// while the run goes on; a note says how something unusual was read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProblemKind {
    /// A wrong name is listed under two different correct names; both are suggested.
    AmbiguousWrongName {
        name: String,
        /// The correct name of the earlier row.
        first_correct: String,
        first: Location,
        /// The correct name of the row the problem is reported at.
        correct: String,
    },
    /// A name is some row's correct name and is listed as wrong in some row. It is treated as
    /// correct: a name the library declares correct never blocks a commit.
    WrongAndCorrect {
        name: String,
        /// The correct name under which `name` is listed as wrong.
        listed_under: String,
        wrong_at: Location,
        correct_at: Location,
    },
    /// A second row for the same correct name; the rows are merged.
    DuplicateCorrectName { name: String, first: Location },
    /// A wrong name listed twice for the same correct name: `first` is `None` when both are in
    /// one row.
    RepeatedWrongName {
        name: String,
        correct: String,
        first: Option<Location>,
    },
    /// A wrong name equal to the correct name of its own row; it is ignored.
    WrongIsItsOwnCorrection { name: String },
    /// A name no Python attribute, hence no Django field, can have.
    NotAnIdentifier { name: String },
    /// The first record looks like a row of names, not a header, and is read as a row.
    FirstRowIsData { first_cell: String },
    /// More than three non-blank cells: almost always an unquoted wrong-names list.
    TooManyCells { count: usize },
    /// Fewer than three cells: a wrong name may have landed in the description.
    TooFewCells { count: usize },
    /// The file is a git-lfs pointer, not the library: it was never fetched.
    LfsPointer,
    /// The file seems to use another separator than the comma; its rows are not read.
    OtherSeparator { separator: Separator },
    /// No row of the file lists a wrong name. Fatal when the whole library (every file of it)
    /// has no wrong name, so it would check nothing; a warning when other files have some.
    NoWrongNames { checks_nothing: bool },
    /// Wrong names with a blank correct name.
    MissingCorrectName,
    /// A quoted cell, starting on this line, that is never closed. Reading resumes on the next
    /// line.
    UnterminatedQuote,
    /// Bytes that are not UTF-8 on this line; the row is skipped.
    InvalidUtf8,
    /// Nothing at all in the file.
    EmptyFile,
    /// A header and no rows.
    NoRows,
    /// The CSV reader failed for a reason of its own.
    Unreadable { reason: String },
}

/// How much a problem weighs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    /// How something unusual was read; not a problem (`--check-library` still exits 0).
    Note,
    /// Reported, and the run goes on.
    Warning,
    /// The library cannot be used: the run stops with exit status 2.
    Error,
}

impl Problem {
    pub fn level(&self) -> Level {
        match &self.kind {
            ProblemKind::TooManyCells { .. }
            | ProblemKind::TooFewCells { .. }
            | ProblemKind::MissingCorrectName
            | ProblemKind::UnterminatedQuote
            | ProblemKind::InvalidUtf8
            | ProblemKind::EmptyFile
            | ProblemKind::NoRows
            | ProblemKind::LfsPointer
            | ProblemKind::OtherSeparator { .. }
            | ProblemKind::NoWrongNames {
                checks_nothing: true,
            }
            | ProblemKind::Unreadable { .. } => Level::Error,
            ProblemKind::AmbiguousWrongName { .. }
            | ProblemKind::WrongAndCorrect { .. }
            | ProblemKind::DuplicateCorrectName { .. }
            | ProblemKind::RepeatedWrongName { .. }
            | ProblemKind::WrongIsItsOwnCorrection { .. }
            | ProblemKind::NotAnIdentifier { .. }
            | ProblemKind::NoWrongNames {
                checks_nothing: false,
            } => Level::Warning,
            ProblemKind::FirstRowIsData { .. } => Level::Note,
        }
    }

    /// A fatal problem means a row could not be read, or the library would check nothing: the
    /// run stops with exit status 2.
    pub fn is_fatal(&self) -> bool {
        self.level() == Level::Error
    }

    /// A note is not a problem: it says how an unusual file was read.
    pub fn is_note(&self) -> bool {
        self.level() == Level::Note
    }

    /// The other row involved, when the problem is about two rows.
    pub fn related(&self) -> Option<&Location> {
        match &self.kind {
            ProblemKind::AmbiguousWrongName { first, .. }
            | ProblemKind::DuplicateCorrectName { first, .. }
            | ProblemKind::RepeatedWrongName {
                first: Some(first), ..
            } => Some(first),
            ProblemKind::WrongAndCorrect {
                wrong_at,
                correct_at,
                ..
            } => Some(if *wrong_at == self.location {
                correct_at
            } else {
                wrong_at
            }),
            _ => None,
        }
    }
}

/// A name as it appears in a message: in backticks, or quoted with escapes when it holds
/// characters that would break the one-line message or hide what is wrong with it.
struct Name<'a>(&'a str);

impl fmt::Display for Name<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let plain = !self.0.is_empty()
            && self
                .0
                .chars()
                .all(|c| !c.is_control() && !c.is_whitespace() && c != '`');
        if plain {
            write!(f, "`{}`", self.0)
        } else {
            write!(f, "{:?}", self.0)
        }
    }
}

/// A row named in a message about two rows: only its line when both rows are in the same
/// file, since the caller prints the file in front of the message.
struct Seen<'a> {
    at: &'a Location,
    same_file: bool,
}

impl<'a> Seen<'a> {
    fn pair(first: &'a Location, here: &'a Location) -> (Seen<'a>, Seen<'a>) {
        let same_file = first.file == here.file;
        (
            Seen {
                at: first,
                same_file,
            },
            Seen {
                at: here,
                same_file,
            },
        )
    }
}

impl fmt::Display for Seen<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.same_file {
            write!(f, "line {}", self.at.line)
        } else {
            write!(f, "{}", self.at)
        }
    }
}

/// Two rows involved in one problem: `first`, then `here`.
struct Both<'a>(&'a Location, &'a Location);

impl fmt::Display for Both<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (first, here) = (self.0, self.1);
        if first.file == here.file {
            write!(f, "lines {} and {}", first.line, here.line)
        } else {
            write!(f, "{first} and {here}")
        }
    }
}

const EMPTY_ADVICE: &str = "a library with nothing in it is almost surely a mistake";

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let here = &self.location;
        match &self.kind {
            ProblemKind::AmbiguousWrongName {
                name,
                first_correct,
                first,
                correct,
            } => {
                let (first, here) = Seen::pair(first, here);
                write!(
                    f,
                    "ambiguous wrong name {}: listed under both {} ({first}) and {} ({here}); \
                     both are suggested",
                    Name(name),
                    Name(first_correct),
                    Name(correct),
                )
            }
            ProblemKind::WrongAndCorrect {
                name,
                listed_under,
                wrong_at,
                correct_at,
            } => {
                let (correct_at, wrong_at) = Seen::pair(correct_at, wrong_at);
                write!(
                    f,
                    "{} is both a correct name ({correct_at}) and a wrong name for {} \
                     ({wrong_at}); it is treated as correct",
                    Name(name),
                    Name(listed_under),
                )
            }
            ProblemKind::DuplicateCorrectName { name, first } => write!(
                f,
                "duplicate correct name {} ({}); the rows are merged",
                Name(name),
                Both(first, here),
            ),
            ProblemKind::RepeatedWrongName {
                name,
                correct,
                first: None,
            } => write!(
                f,
                "wrong name {} is listed twice in this row for {}",
                Name(name),
                Name(correct),
            ),
            ProblemKind::RepeatedWrongName {
                name,
                correct,
                first: Some(first),
            } => write!(
                f,
                "wrong name {} is listed twice for {} ({})",
                Name(name),
                Name(correct),
                Both(first, here),
            ),
            ProblemKind::WrongIsItsOwnCorrection { name } => write!(
                f,
                "{} is listed as a wrong name of itself; ignored",
                Name(name),
            ),
            ProblemKind::NotAnIdentifier { name } => write!(
                f,
                "{} is not a Python identifier, so no field can have this name",
                Name(name),
            ),
            ProblemKind::FirstRowIsData { first_cell } => write!(
                f,
                "the first row starts with the field name {}, so it is read as a row, not as a \
                 header (a header such as `correct_name,description,wrong_names` is skipped)",
                Name(first_cell),
            ),
            ProblemKind::TooManyCells { count } => write!(
                f,
                "malformed row: {count} cells where at most 3 are allowed \
                 (correct_name,description,wrong_names); the wrong-names list must be quoted, \
                 e.g. `created_at,creation time,\"create_time,ctime\"`",
            ),
            ProblemKind::TooFewCells { count } => write!(
                f,
                "malformed row: {count} {} where 3 are required \
                 (correct_name,description,wrong_names); leave a cell blank rather than out, \
                 e.g. `account,,`",
                if *count == 1 { "cell" } else { "cells" },
            ),
            ProblemKind::LfsPointer => f.write_str(
                "this is a git-lfs pointer, not the CSV itself; run `git lfs pull` (or fetch the \
                 real file) so the library can be read",
            ),
            ProblemKind::OtherSeparator { separator } => write!(
                f,
                "the file seems to use {} as its separator, so each row reads as one cell and no \
                 wrong name is listed; save it comma-separated \
                 (correct_name,description,wrong_names)",
                match separator {
                    Separator::Semicolon => "`;`",
                    Separator::Tab => "a tab",
                },
            ),
            ProblemKind::NoWrongNames {
                checks_nothing: true,
            } => f.write_str(
                "no row lists a wrong name (the wrong_names cell is blank in every row), so the \
                 library checks nothing; list them there, e.g. \
                 `created_at,creation time,\"create_time,ctime\"`",
            ),
            ProblemKind::NoWrongNames {
                checks_nothing: false,
            } => f.write_str(
                "no row lists a wrong name (the wrong_names cell is blank in every row): this \
                 file only declares names correct; if that is meant, `allow` in the config says \
                 it more plainly",
            ),
            ProblemKind::MissingCorrectName => {
                f.write_str("malformed row: wrong names are listed but the correct name is blank")
            }
            ProblemKind::UnterminatedQuote => f.write_str(
                "unterminated quote: the quoted cell that starts on this line is never closed; \
                 reading resumes on the next line",
            ),
            ProblemKind::InvalidUtf8 => f.write_str(
                "invalid UTF-8 on this line; the library must be saved as UTF-8 \
                 (the row is skipped)",
            ),
            ProblemKind::EmptyFile => write!(f, "the library is empty: {EMPTY_ADVICE}"),
            ProblemKind::NoRows => {
                write!(f, "the library has a header and no rows: {EMPTY_ADVICE}")
            }
            ProblemKind::Unreadable { reason } => write!(f, "cannot read the CSV: {reason}"),
        }
    }
}
