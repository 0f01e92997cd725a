//! The field library: which names are wrong and what they should be. Loads the BlueKing CSV
//! format (`correct_name,description,wrong_names`), validates it, and embeds our own: the
//! misspellings of `data/misspellings.csv`, on by default, and the conventions of
//! `data/conventions/`, on when named.

mod builtin;
mod load;
mod problem;
mod records;
mod sniff;
#[cfg(test)]
mod tests;

use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};

pub use builtin::{BUILTIN_ORIGIN, CONVENTIONS, Convention, MISSPELLINGS_CSV, conflict, listing};
pub use problem::{Level, ProblemKind};
pub use sniff::Separator;

/// A correct name offered for a wrong one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suggestion {
    pub name: String,
    /// The library's description of the correct name (may be empty).
    pub description: String,
}

/// Where a row of a library is: the file as given and the 1-based physical line on which the
/// CSV record starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    pub file: String,
    pub line: usize,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.file, self.line)
    }
}

/// A problem found while loading a library.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub location: Location,
    pub kind: ProblemKind,
}

/// A library file could not be read at all.
#[derive(Debug, thiserror::Error)]
pub enum LibraryError {
    #[error("cannot read field library {path}: {source}")]
    Read {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error(
        "cannot read field library {path}: it is a symlink to `{}`, which does not exist",
        target.display()
    )]
    DanglingSymlink { path: String, target: PathBuf },
}

/// Wrong names and their suggestions, from one or more CSV sources.
#[derive(Debug, Clone, Default)]
pub struct Library {
    /// What [`Library::lookup`] answers, rebuilt from `correct` and `listings` after each source.
    wrong: HashMap<String, Vec<Suggestion>>,
    problems: Vec<Problem>,
    /// Every correct name, with its first row and first non-empty description.
    correct: HashMap<String, Declared>,
    /// Every name listed as wrong, with the rows listing it in library order, one per correct
    /// name.
    listings: HashMap<String, Vec<Listing>>,
}

#[derive(Debug, Clone)]
struct Declared {
    at: Location,
    description: String,
}

#[derive(Debug, Clone)]
struct Listing {
    correct: String,
    at: Location,
}

impl Library {
    /// An empty library (no names).
    pub fn empty() -> Library {
        Library::default()
    }

    /// Add the rows of one CSV source; problems are recorded, never silently dropped.
    pub fn add_csv(&mut self, origin: &str, bytes: &[u8]) {
        self.load(origin, bytes);
        self.rebuild();
    }

    /// Read a file and add its rows. Only failing to read the file is an error here; what is in
    /// it is reported through [`Library::problems`].
    pub fn add_file(&mut self, path: &Path) -> Result<(), LibraryError> {
        let bytes = std::fs::read(path).map_err(|source| match crate::dangling_target(path) {
            Some(target) => LibraryError::DanglingSymlink {
                path: path.display().to_string(),
                target,
            },
            None => LibraryError::Read {
                path: path.display().to_string(),
                source,
            },
        })?;
        self.add_csv(&path.display().to_string(), &bytes);
        Ok(())
    }

    /// The suggestions for `name` when the library marks it wrong, in library order.
    pub fn lookup(&self, name: &str) -> Option<&[Suggestion]> {
        self.wrong.get(name).map(Vec::as_slice)
    }

    /// Every wrong name, in no particular order. Names that are also declared correct are not
    /// among them.
    pub fn wrong_names(&self) -> impl Iterator<Item = &str> {
        self.wrong.keys().map(String::as_str)
    }

    /// Whether some row declares `name` correct (its first cell).
    pub fn is_correct(&self, name: &str) -> bool {
        self.correct.contains_key(name)
    }

    /// Whether the library would check nothing: it has no wrong name that is not also correct.
    pub fn checks_nothing(&self) -> bool {
        self.wrong.is_empty()
    }

    /// The number of wrong names [`Library::lookup`] answers for.
    pub fn len(&self) -> usize {
        self.wrong.len()
    }

    pub fn is_empty(&self) -> bool {
        self.wrong.is_empty()
    }

    /// Problems of every source, in the order the sources were added and their rows read.
    pub fn problems(&self) -> &[Problem] {
        &self.problems
    }

    /// Whether the run must stop: some row could not be read.
    pub fn has_fatal_problems(&self) -> bool {
        self.problems.iter().any(Problem::is_fatal)
    }

    /// Each wrong name that is not also correct, with its correct names in library order; and
    /// whether a file listing no wrong name leaves the whole library checking nothing.
    fn rebuild(&mut self) {
        let suggestion = |name: &str| Suggestion {
            name: name.to_owned(),
            description: self
                .correct
                .get(name)
                .map(|d| d.description.clone())
                .unwrap_or_default(),
        };
        self.wrong = self
            .listings
            .iter()
            .filter(|(name, _)| !self.correct.contains_key(*name))
            .map(|(name, listings)| {
                let suggestions = listings.iter().map(|l| suggestion(&l.correct)).collect();
                (name.clone(), suggestions)
            })
            .collect();
        let nothing = self.wrong.is_empty();
        for problem in &mut self.problems {
            if let ProblemKind::NoWrongNames { checks_nothing } = &mut problem.kind {
                *checks_nothing = nothing;
            }
        }
    }
}

/// The built-in library with the conventions the examples of unit tests lean on
/// (`create_time`, `desc`, `sex`).
#[cfg(test)]
pub(crate) fn with_conventions() -> Library {
    let chosen: Vec<&Convention> = ["timestamps-at", "full-words", "plain-english"]
        .iter()
        .filter_map(|name| Convention::named(name))
        .collect();
    Library::builtin_with(&chosen)
}
