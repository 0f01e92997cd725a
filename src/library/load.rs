//! Interpret the records of one source as library rows, merging them into the library and
//! recording every problem found on the way.

use super::records::{self, Item};
use super::sniff;
use super::{Declared, Library, Listing, Location, Problem, ProblemKind};

/// What one item added: nothing (blank cells), or a row listing `wrong` wrong names (none when
/// it could not be read).
type Added = Option<usize>;

/// The rows of one source and the wrong names they list.
#[derive(Default)]
struct Rows {
    read: usize,
    wrong: usize,
}

impl Rows {
    fn add(&mut self, added: Added) {
        if let Some(wrong) = added {
            self.read += 1;
            self.wrong += wrong;
        }
    }
}

/// Words Python reserves: never valid as a model attribute, hence never a field name.
const KEYWORDS: &[&str] = &[
    "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue",
    "def", "del", "elif", "else", "except", "finally", "for", "from", "global", "if", "import",
    "in", "is", "lambda", "nonlocal", "not", "or", "pass", "raise", "return", "try", "while",
    "with", "yield",
];

/// Whether `name` can be a Python attribute name. Python's definition rests on Unicode's
/// XID classes; Rust's alphabetic/alphanumeric classes agree with them for any name a person
/// would type.
pub(super) fn is_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    let Some(first) = chars.next() else {
        return false;
    };
    (first == '_' || first.is_alphabetic())
        && chars.all(|c| c == '_' || c.is_alphanumeric())
        && !KEYWORDS.contains(&name)
}

/// Lowercase ASCII words joined by single underscores, as Django field names are spelled.
pub(super) fn is_snake_case(name: &str) -> bool {
    name.starts_with(|c: char| c.is_ascii_lowercase())
        && !name.ends_with('_')
        && !name.contains("__")
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        && is_identifier(name)
}

impl Library {
    pub(super) fn load(&mut self, origin: &str, bytes: &[u8]) {
        let first_problem = self.problems.len();
        let unbommed = bytes.strip_prefix(records::BOM).unwrap_or(bytes);
        if sniff::is_lfs_pointer(unbommed) {
            self.report(origin, 1, ProblemKind::LfsPointer);
            return;
        }
        let mut items = records::read(bytes).into_iter();
        let Some(first) = items.next() else {
            self.report(origin, 1, ProblemKind::EmptyFile);
            return;
        };
        let first_line = item_line(&first);
        let mut rows = Rows::default();
        match first {
            Item::Record { line, cells } => {
                if let Some(separator) = sniff::other_separator(&cells) {
                    self.report(origin, line, ProblemKind::OtherSeparator { separator });
                    return;
                }
                if sniff::first_row_is_data(&cells) {
                    let first_cell = cells.first().map_or("", |c| c.trim()).to_owned();
                    self.report(origin, line, ProblemKind::FirstRowIsData { first_cell });
                    rows.add(self.add_row(origin, line, &cells));
                }
            }
            other => rows.add(self.add_item(origin, other)),
        }
        for item in items {
            rows.add(self.add_item(origin, item));
        }
        let fatal = self.problems[first_problem..].iter().any(Problem::is_fatal);
        if rows.read == 0 {
            self.report(origin, first_line, ProblemKind::NoRows);
        } else if rows.wrong == 0 && !fatal {
            // Whether the library as a whole checks nothing is settled once every source is in.
            let kind = ProblemKind::NoWrongNames {
                checks_nothing: false,
            };
            self.report(origin, first_line, kind);
        }
    }

    fn report(&mut self, origin: &str, line: usize, kind: ProblemKind) {
        let location = Location {
            file: origin.to_owned(),
            line,
        };
        self.problems.push(Problem { location, kind });
    }

    /// Add one item after the header.
    fn add_item(&mut self, origin: &str, item: Item) -> Added {
        let kind = match item {
            Item::Record { line, cells } => return self.add_row(origin, line, &cells),
            Item::InvalidUtf8 { line } => (line, ProblemKind::InvalidUtf8),
            Item::UnterminatedQuote { line } => (line, ProblemKind::UnterminatedQuote),
            Item::Unreadable { line, reason } => (line, ProblemKind::Unreadable { reason }),
        };
        self.report(origin, kind.0, kind.1);
        Some(0)
    }

    fn add_row(&mut self, origin: &str, line: usize, cells: &[String]) -> Added {
        let cells: Vec<&str> = cells.iter().map(|c| c.trim()).collect();
        // Trailing blank cells are what spreadsheets add to short rows: harmless.
        let count = cells
            .iter()
            .rposition(|c| !c.is_empty())
            .map_or(0, |i| i + 1);
        if count == 0 {
            return None;
        }
        if count > 3 {
            self.report(origin, line, ProblemKind::TooManyCells { count });
            return Some(0);
        }
        // A cell left out, not left blank: `created_at,create_time` puts the wrong name in the
        // description, where it checks nothing.
        if cells.len() < 3 {
            let count = cells.len();
            self.report(origin, line, ProblemKind::TooFewCells { count });
            return Some(0);
        }
        let correct = cells[0];
        let description = cells.get(1).copied().unwrap_or("");
        let wrong: Vec<&str> = cells
            .get(2)
            .map_or("", |c| c)
            .split(',')
            .map(str::trim)
            .filter(|w| !w.is_empty())
            .collect();
        if correct.is_empty() {
            if !wrong.is_empty() {
                self.report(origin, line, ProblemKind::MissingCorrectName);
            }
            return Some(0);
        }
        let at = Location {
            file: origin.to_owned(),
            line,
        };
        self.declare(correct, description, &at);
        let mut in_row: Vec<&str> = Vec::new();
        for name in wrong {
            if name == correct {
                let name = name.to_owned();
                self.report(origin, line, ProblemKind::WrongIsItsOwnCorrection { name });
            } else if in_row.contains(&name) {
                let kind = ProblemKind::RepeatedWrongName {
                    name: name.to_owned(),
                    correct: correct.to_owned(),
                    first: None,
                };
                self.report(origin, line, kind);
            } else {
                in_row.push(name);
                self.list(name, correct, &at);
            }
        }
        Some(in_row.len())
    }

    /// Record `name` as a correct name declared at `at`.
    pub(super) fn declare(&mut self, name: &str, description: &str, at: &Location) {
        if !is_identifier(name) {
            let name = name.to_owned();
            self.report(&at.file, at.line, ProblemKind::NotAnIdentifier { name });
        }
        if let Some(declared) = self.correct.get_mut(name) {
            if declared.description.is_empty() {
                declared.description = description.to_owned();
            }
            let first = declared.at.clone();
            let name = name.to_owned();
            self.report(
                &at.file,
                at.line,
                ProblemKind::DuplicateCorrectName { name, first },
            );
            return;
        }
        if let Some(listing) = self.listings.get(name).and_then(|l| l.first()) {
            let kind = ProblemKind::WrongAndCorrect {
                name: name.to_owned(),
                listed_under: listing.correct.clone(),
                wrong_at: listing.at.clone(),
                correct_at: at.clone(),
            };
            self.report(&at.file, at.line, kind);
        }
        let declared = Declared {
            at: at.clone(),
            description: description.to_owned(),
        };
        self.correct.insert(name.to_owned(), declared);
    }

    /// Record `name` as wrong for `correct`, listed at `at`.
    pub(super) fn list(&mut self, name: &str, correct: &str, at: &Location) {
        let mut found = Vec::new();
        if !is_identifier(name) {
            let name = name.to_owned();
            found.push(ProblemKind::NotAnIdentifier { name });
        }
        let listings = self.listings.entry(name.to_owned()).or_default();
        if let Some(earlier) = listings.iter().find(|l| l.correct == correct) {
            found.push(ProblemKind::RepeatedWrongName {
                name: name.to_owned(),
                correct: correct.to_owned(),
                first: Some(earlier.at.clone()),
            });
        } else {
            if let Some(earlier) = listings.first() {
                found.push(ProblemKind::AmbiguousWrongName {
                    name: name.to_owned(),
                    first_correct: earlier.correct.clone(),
                    first: earlier.at.clone(),
                    correct: correct.to_owned(),
                });
            }
            if let Some(declared) = self.correct.get(name) {
                found.push(ProblemKind::WrongAndCorrect {
                    name: name.to_owned(),
                    listed_under: correct.to_owned(),
                    wrong_at: at.clone(),
                    correct_at: declared.at.clone(),
                });
            }
            listings.push(Listing {
                correct: correct.to_owned(),
                at: at.clone(),
            });
        }
        for kind in found {
            self.report(&at.file, at.line, kind);
        }
    }
}

fn item_line(item: &Item) -> usize {
    match item {
        Item::Record { line, .. }
        | Item::InvalidUtf8 { line }
        | Item::UnterminatedQuote { line }
        | Item::Unreadable { line, .. } => *line,
    }
}
