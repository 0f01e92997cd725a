//! The field library: which names are wrong and what they should be. Loads the BlueKing CSV
//! format (`correct_name,description,wrong_names`), validates it, and embeds our own default
//! from `data/field_library.csv`.

use std::collections::HashMap;
use std::fmt;
use std::path::Path;

/// The built-in library, compiled into the binary.
pub const BUILTIN_CSV: &str = include_str!("../../data/field_library.csv");
/// The name under which problems of the built-in library are reported.
pub const BUILTIN_ORIGIN: &str = "<built-in>";

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

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProblemKind {}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", self.kind)
    }
}

impl Problem {
    /// A fatal problem means a row could not be read: the run stops with exit status 2.
    pub fn is_fatal(&self) -> bool {
        todo!("library")
    }
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
}

/// Wrong names and their suggestions, from one or more CSV sources.
#[derive(Debug, Clone, Default)]
pub struct Library {
    wrong: HashMap<String, Vec<Suggestion>>,
    problems: Vec<Problem>,
}

impl Library {
    /// An empty library (no names).
    pub fn empty() -> Library {
        Library::default()
    }

    /// The built-in library.
    pub fn builtin() -> Library {
        todo!("library")
    }

    /// Add the rows of one CSV source; problems are recorded, never silently dropped.
    pub fn add_csv(&mut self, origin: &str, bytes: &[u8]) {
        let _ = (origin, bytes);
        todo!("library")
    }

    /// Read a file and add its rows. Only failing to read the file is an error here; what is in
    /// it is reported through [`Library::problems`].
    pub fn add_file(&mut self, path: &Path) -> Result<(), LibraryError> {
        let _ = path;
        todo!("library")
    }

    /// The suggestions for `name` when the library marks it wrong, in library order.
    pub fn lookup(&self, name: &str) -> Option<&[Suggestion]> {
        self.wrong.get(name).map(Vec::as_slice)
    }

    /// Every wrong name.
    pub fn wrong_names(&self) -> impl Iterator<Item = &str> {
        self.wrong.keys().map(String::as_str)
    }

    pub fn problems(&self) -> &[Problem] {
        &self.problems
    }
}
