//! Interpret the records of one source as library rows, merging them into the library and
//! recording every problem found on the way.

use super::records::{self, Item};
use super::{Declared, Library, Listing, Location, Problem, ProblemKind};

/// First cells of header rows in use, which would otherwise look like data to the heuristic.
const HEADER_WORDS: &[&str] = &["correct_name", "correct", "field_name", "field", "name"];

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
        let mut items = records::read(bytes).into_iter();
        let Some(header) = items.next() else {
            self.report(origin, 1, ProblemKind::EmptyFile);
            return;
        };
        let header_line = match header {
            Item::Record { line, cells } => {
                self.check_header(origin, line, &cells);
                line
            }
            other => {
                let line = item_line(&other);
                self.add_item(origin, other);
                line
            }
        };
        let mut rows = 0;
        for item in items {
            if self.add_item(origin, item) {
                rows += 1;
            }
        }
        if rows == 0 {
            self.report(origin, header_line, ProblemKind::NoRows);
        }
    }

    fn report(&mut self, origin: &str, line: usize, kind: ProblemKind) {
        let location = Location {
            file: origin.to_owned(),
            line,
        };
        self.problems.push(Problem { location, kind });
    }

    fn check_header(&mut self, origin: &str, line: usize, cells: &[String]) {
        let cell = |i: usize| cells.get(i).map_or("", |c| c.trim());
        let first = cell(0);
        if is_snake_case(first) && !cell(2).is_empty() && !HEADER_WORDS.contains(&first) {
            let first_cell = first.to_owned();
            self.report(
                origin,
                line,
                ProblemKind::HeaderLooksLikeData { first_cell },
            );
        }
    }

    /// Add one item after the header; returns whether it was a row (anything but blank cells).
    fn add_item(&mut self, origin: &str, item: Item) -> bool {
        match item {
            Item::Record { line, cells } => self.add_row(origin, line, &cells),
            Item::InvalidUtf8 { line } => {
                self.report(origin, line, ProblemKind::InvalidUtf8);
                true
            }
            Item::UnterminatedQuote { line } => {
                self.report(origin, line, ProblemKind::UnterminatedQuote);
                true
            }
            Item::Unreadable { line, reason } => {
                self.report(origin, line, ProblemKind::Unreadable { reason });
                true
            }
        }
    }

    fn add_row(&mut self, origin: &str, line: usize, cells: &[String]) -> bool {
        let cells: Vec<&str> = cells.iter().map(|c| c.trim()).collect();
        // Trailing blank cells are what spreadsheets add to short rows: harmless.
        let count = cells
            .iter()
            .rposition(|c| !c.is_empty())
            .map_or(0, |i| i + 1);
        if count == 0 {
            return false;
        }
        if count > 3 {
            self.report(origin, line, ProblemKind::TooManyCells { count });
            return true;
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
            return true;
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
        true
    }

    /// Record `name` as a correct name declared at `at`.
    fn declare(&mut self, name: &str, description: &str, at: &Location) {
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
    fn list(&mut self, name: &str, correct: &str, at: &Location) {
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
