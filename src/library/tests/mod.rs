//! Tests of the field library, with helpers that load small CSVs written in the tests.

mod bklog;
mod builtin;
mod format;
mod rules;

use super::{Library, Location, Problem, ProblemKind};

const ORIGIN: &str = "lib.csv";

fn load(csv: &str) -> Library {
    load_bytes(csv.as_bytes())
}

fn load_bytes(bytes: &[u8]) -> Library {
    let mut library = Library::empty();
    library.add_csv(ORIGIN, bytes);
    library
}

fn at(line: usize) -> Location {
    Location {
        file: ORIGIN.to_owned(),
        line,
    }
}

/// Every problem as (line, kind), for exact comparisons.
fn problems(library: &Library) -> Vec<(usize, ProblemKind)> {
    library
        .problems()
        .iter()
        .map(|p| {
            assert_eq!(p.location.file, ORIGIN);
            (p.location.line, p.kind.clone())
        })
        .collect()
}

/// The correct names suggested for `wrong`, or an empty list when it is not wrong.
fn suggested<'a>(library: &'a Library, wrong: &str) -> Vec<&'a str> {
    library
        .lookup(wrong)
        .unwrap_or_default()
        .iter()
        .map(|s| s.name.as_str())
        .collect()
}

fn description<'a>(library: &'a Library, wrong: &str) -> &'a str {
    library
        .lookup(wrong)
        .and_then(|s| s.first())
        .map_or("<not wrong>", |s| s.description.as_str())
}

fn message(problem: &Problem) -> String {
    problem.to_string()
}

fn name(s: &str) -> String {
    s.to_owned()
}

#[test]
fn empty_library_has_nothing() {
    let library = Library::empty();
    assert!(library.is_empty());
    assert_eq!(library.len(), 0);
    assert_eq!(library.lookup("create_time"), None);
    assert!(library.problems().is_empty());
    assert!(!library.has_fatal_problems());
}

#[test]
fn location_displays_as_file_colon_line() {
    assert_eq!(at(12).to_string(), "lib.csv:12");
}

#[test]
fn fatal_kinds_are_exactly_the_unreadable_rows_and_libraries_checking_nothing() {
    let fatal = [
        ProblemKind::TooManyCells { count: 4 },
        ProblemKind::TooFewCells { count: 2 },
        ProblemKind::LfsPointer,
        ProblemKind::OtherSeparator {
            separator: super::Separator::Tab,
        },
        ProblemKind::NoWrongNames {
            checks_nothing: true,
        },
        ProblemKind::MissingCorrectName,
        ProblemKind::UnterminatedQuote,
        ProblemKind::InvalidUtf8,
        ProblemKind::EmptyFile,
        ProblemKind::NoRows,
        ProblemKind::Unreadable { reason: name("x") },
    ];
    let warnings = [
        ProblemKind::AmbiguousWrongName {
            name: name("a"),
            first_correct: name("b"),
            first: at(1),
            correct: name("c"),
        },
        ProblemKind::WrongAndCorrect {
            name: name("a"),
            listed_under: name("b"),
            wrong_at: at(1),
            correct_at: at(2),
        },
        ProblemKind::DuplicateCorrectName {
            name: name("a"),
            first: at(1),
        },
        ProblemKind::RepeatedWrongName {
            name: name("a"),
            correct: name("b"),
            first: None,
        },
        ProblemKind::WrongIsItsOwnCorrection { name: name("a") },
        ProblemKind::NotAnIdentifier { name: name("a b") },
        ProblemKind::NoWrongNames {
            checks_nothing: false,
        },
        ProblemKind::FirstRowIsData {
            first_cell: name("a"),
        },
    ];
    let problem = |kind: &ProblemKind| Problem {
        location: at(3),
        kind: kind.clone(),
    };
    for kind in &fatal {
        assert!(problem(kind).is_fatal(), "{kind:?}");
    }
    for kind in &warnings {
        assert!(!problem(kind).is_fatal(), "{kind:?}");
    }
    let notes: Vec<_> = warnings.iter().filter(|k| problem(k).is_note()).collect();
    assert_eq!(
        notes,
        [&ProblemKind::FirstRowIsData {
            first_cell: name("a")
        }]
    );
    for kind in fatal.iter().chain(&warnings) {
        let text = message(&problem(kind));
        assert!(!text.contains('\n'), "{text}");
        assert!(!text.starts_with("lib.csv:3"), "{text}");
    }
}
