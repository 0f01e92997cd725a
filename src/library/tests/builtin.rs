//! The built-in library must be clean, right for any team by default, and kept in canonical
//! form.
//!
//! Canonical form of `data/misspellings.csv` and of each `data/conventions/*.csv`, checked
//! here on the raw text:
//! - UTF-8 without a byte order mark, LF line ends, a final newline, no blank lines;
//! - the header is exactly `correct_name,description,wrong_names`;
//! - every row is `correct_name,description,"wrong,names"`: the description is unquoted,
//!   lowercase, non-empty, and holds no comma or quote; the wrong-names cell is always quoted,
//!   with names separated by bare commas;
//! - rows are sorted by correct name and the wrong names of a row are sorted, both in byte
//!   order, with no repeats.

use std::collections::BTreeSet;

use super::*;
use crate::library::load::is_snake_case;
use crate::library::{BUILTIN_ORIGIN, CONVENTIONS, Convention, MISSPELLINGS_CSV, conflict};

const HEADER: &str = "correct_name,description,wrong_names";
/// Field names popular third-party abstract models declare: a team cannot rename them.
const THIRD_PARTY: &str = include_str!("../../../data/third_party_fields.csv");

struct Row<'a> {
    line: usize,
    correct: &'a str,
    description: &'a str,
    wrong: Vec<&'a str>,
}

/// Split a built-in text by the canonical form, failing on anything outside it.
fn canonical_rows(name: &str, text: &'static str) -> Vec<Row<'static>> {
    assert!(!text.starts_with('\u{FEFF}'), "{name}: byte order mark");
    assert!(!text.contains('\r'), "{name}: CR in line ends");
    let body = text.strip_suffix('\n').expect("final newline");
    let mut lines = body.split('\n').enumerate().map(|(i, l)| (i + 1, l));
    assert_eq!(lines.next(), Some((1, HEADER)), "{name}");
    let rows: Vec<Row> = lines
        .map(|(line, text)| {
            let (correct, rest) = text.split_once(',').expect("three cells");
            let (description, list) = rest.split_once(',').expect("three cells");
            let list = list
                .strip_prefix('"')
                .and_then(|l| l.strip_suffix('"'))
                .unwrap_or_else(|| panic!("{name}:{line}: wrong names not quoted"));
            let wrong = list.split(',').collect();
            Row {
                line,
                correct,
                description,
                wrong,
            }
        })
        .collect();
    for pair in rows.windows(2) {
        assert!(
            pair[0].correct < pair[1].correct,
            "{name}:{}: {} is not after {}",
            pair[1].line,
            pair[1].correct,
            pair[0].correct
        );
    }
    for row in &rows {
        let line = row.line;
        let d = row.description;
        assert!(!d.is_empty(), "{name}:{line}: no description");
        assert_eq!(d, d.trim(), "{name}:{line}: spaces around the description");
        assert_eq!(d, d.to_lowercase(), "{name}:{line}: not lowercase");
        assert!(!d.contains(['"', ',']), "{name}:{line}: needs quoting");
        assert!(!row.wrong.is_empty(), "{name}:{line}: no wrong names");
        assert!(is_snake_case(row.correct), "{name}:{line}: {}", row.correct);
        for wrong in &row.wrong {
            assert!(is_snake_case(wrong), "{name}:{line}: {wrong}");
        }
        for pair in row.wrong.windows(2) {
            assert!(pair[0] < pair[1], "{name}:{line}: {pair:?} not sorted");
        }
    }
    rows
}

fn misspellings() -> Vec<Row<'static>> {
    canonical_rows("misspellings.csv", MISSPELLINGS_CSV)
}

/// Every choice a config can make: no convention or one of each family.
fn every_choice() -> Vec<Vec<&'static Convention>> {
    let mut families: Vec<&str> = CONVENTIONS.iter().map(|c| c.family).collect();
    families.dedup();
    let mut choices: Vec<Vec<&'static Convention>> = vec![Vec::new()];
    for family in families {
        let members: Vec<&Convention> = CONVENTIONS.iter().filter(|c| c.family == family).collect();
        choices = choices
            .into_iter()
            .flat_map(|choice| {
                let mut out = vec![choice.clone()];
                for member in &members {
                    let mut with = choice.clone();
                    with.push(*member);
                    out.push(with);
                }
                out
            })
            .collect();
    }
    choices
}

fn third_party_names() -> BTreeSet<&'static str> {
    let mut lines = THIRD_PARTY.lines();
    assert_eq!(lines.next(), Some("name,package,model"));
    let rows: Vec<&str> = lines.collect();
    assert!(rows.windows(2).all(|p| p[0] < p[1]), "sorted, no repeats");
    rows.iter()
        .map(|row| {
            let cells: Vec<&str> = row.split(',').collect();
            assert_eq!(cells.len(), 3, "{row}");
            assert!(is_snake_case(cells[0]), "{row}");
            cells[0]
        })
        .collect()
}

#[test]
fn every_builtin_file_is_canonical() {
    misspellings();
    for convention in CONVENTIONS {
        canonical_rows(convention.name, convention.csv);
    }
    let families: Vec<&str> = CONVENTIONS.iter().map(|c| c.family).collect();
    let mut seen: Vec<&str> = families.clone();
    seen.dedup();
    let distinct: BTreeSet<&str> = families.iter().copied().collect();
    assert_eq!(seen.len(), distinct.len(), "families listed together");
}

#[test]
fn by_default_only_misspellings_are_reported() {
    let library = Library::builtin();
    assert_eq!(library.problems(), &[], "built-in library problems");
    let rows = misspellings();
    let mut wrong_count = 0;
    for row in &rows {
        let line = row.line;
        assert!(library.is_correct(row.correct), "line {line}");
        for wrong in &row.wrong {
            let suggestions = library.lookup(wrong).expect("wrong name");
            assert_eq!(suggestions.len(), 1, "line {line}: {wrong} is ambiguous");
            assert_eq!(suggestions[0].name, row.correct, "line {line}");
            assert_eq!(suggestions[0].description, row.description, "line {line}");
            wrong_count += 1;
        }
    }
    assert_eq!(library.len(), wrong_count, "a wrong name appears twice");
    assert!(wrong_count >= 150, "{wrong_count} misspellings");
    for convention in CONVENTIONS {
        for row in canonical_rows(convention.name, convention.csv) {
            for wrong in row.wrong {
                assert_eq!(library.lookup(wrong), None, "{}: {wrong}", convention.name);
            }
        }
    }
}

/// A misspelling is a slip of the keys, never a word of its own: close to its correct name,
/// and no convention's name either way.
#[test]
fn misspellings_are_slips_of_the_keys() {
    let mut convention_names = BTreeSet::new();
    for convention in CONVENTIONS {
        for row in canonical_rows(convention.name, convention.csv) {
            convention_names.insert(row.correct);
            convention_names.extend(row.wrong);
        }
    }
    for row in misspellings() {
        for wrong in &row.wrong {
            let distance = crate::text::edit_distance(wrong, row.correct);
            assert!(
                distance <= 2,
                "{wrong} is {distance} edits from {}",
                row.correct
            );
            assert!(
                !convention_names.contains(wrong),
                "{wrong} is in a convention"
            );
        }
    }
}

#[test]
fn names_of_third_party_abstract_models_are_wrong_in_no_row() {
    let protected = third_party_names();
    for name in ["created", "modified", "is_removed", "lft", "date_joined"] {
        assert!(protected.contains(name), "{name}");
    }
    let mut files = vec![("misspellings.csv", MISSPELLINGS_CSV)];
    files.extend(CONVENTIONS.iter().map(|c| (c.name, c.csv)));
    for (name, text) in files {
        for row in canonical_rows(name, text) {
            for wrong in row.wrong {
                assert!(!protected.contains(wrong), "{name}:{}: {wrong}", row.line);
            }
        }
    }
    for choice in every_choice() {
        let library = Library::builtin_with(&choice);
        for name in &protected {
            assert_eq!(library.lookup(name), None, "{name}");
        }
    }
}

#[test]
fn every_choice_of_conventions_is_clean() {
    let choices = every_choice();
    assert!(choices.len() > 50, "{} choices", choices.len());
    for choice in choices {
        let names: Vec<&str> = choice.iter().map(|c| c.name).collect();
        let library = Library::builtin_with(&choice);
        assert_eq!(library.problems(), &[], "{names:?}");
        for convention in &choice {
            for row in canonical_rows(convention.name, convention.csv) {
                for wrong in &row.wrong {
                    assert_eq!(suggested(&library, wrong), [row.correct], "{names:?}");
                }
            }
        }
        // A misspelling suggests what the chosen conventions want for its correct name.
        let alone = Library::builtin_with(&choice[..0]);
        for row in misspellings() {
            let wanted = match suggested(&library, row.correct).as_slice() {
                [] => row.correct.to_string(),
                [one] => one.to_string(),
                many => panic!("{names:?}: {} is ambiguous: {many:?}", row.correct),
            };
            for wrong in &row.wrong {
                assert_eq!(suggested(&library, wrong), [wanted.as_str()], "{names:?}");
                assert_eq!(suggested(&alone, wrong), [row.correct]);
            }
        }
    }
}

#[test]
fn directions_of_a_family_conflict() {
    let at = Convention::named("timestamps-at").expect("timestamps-at");
    let time = Convention::named("timestamps-time").expect("timestamps-time");
    let booleans = Convention::named("booleans-is").expect("booleans-is");
    assert_eq!(conflict(&[at, booleans]), None);
    assert_eq!(
        conflict(&[at, booleans, time]),
        Some(("timestamps-at", "timestamps-time"))
    );
    assert_eq!(conflict(&[at, at]), None);
    let others: Vec<&str> = at.alternatives().map(|c| c.name).collect();
    assert_eq!(others, ["timestamps-time", "timestamps-bare"]);
    assert_eq!(
        Convention::closest("timestamp-at").map(|c| c.name),
        Some("timestamps-at")
    );
    assert_eq!(Convention::closest("colours").map(|c| c.name), None);
}

#[test]
fn builtin_problems_would_be_reported_as_builtin() {
    let mut library = Library::empty();
    library.add_csv(BUILTIN_ORIGIN, b"");
    assert_eq!(library.problems()[0].location.to_string(), "<built-in>:1");
}

#[test]
fn conventions_resolve_the_usual_names() {
    let with = |names: &[&str]| {
        let chosen: Vec<&Convention> = names
            .iter()
            .map(|n| Convention::named(n).expect("convention"))
            .collect();
        Library::builtin_with(&chosen)
    };
    let library = with(&[
        "timestamps-at",
        "actors-by",
        "booleans-is",
        "full-words",
        "plain-english",
    ]);
    let one = |library: &Library, wrong: &str, correct: &str| {
        assert_eq!(suggested(library, wrong), [correct], "{wrong}");
    };
    one(&library, "create_time", "created_at");
    one(&library, "craete_time", "created_at");
    one(&library, "start_time", "started_at");
    one(&library, "begin_at", "started_at");
    one(&library, "modified_at", "updated_at");
    one(&library, "modify_time", "updated_at");
    one(&library, "modified_by", "updated_by");
    one(&library, "creator", "created_by");
    one(&library, "updator", "updated_by");
    one(&library, "enabled", "is_enabled");
    one(&library, "visable", "is_visible");
    one(&library, "desc", "description");
    one(&library, "sex", "gender");
    assert_eq!(description(&library, "create_time"), "creation time");
    let bk = with(&["timestamps-time", "actors-er", "booleans-bare"]);
    one(&bk, "created_time", "create_time");
    one(&bk, "updated_at", "update_time");
    one(&bk, "udpated_at", "update_time");
    one(&bk, "created_by", "creator");
    one(&bk, "is_enabled", "enabled");
    one(&bk, "is_delted", "is_deleted");
    assert_eq!(
        bk.lookup("is_deleted"),
        None,
        "django-soft-delete declares it"
    );
    assert_eq!(
        bk.lookup("created_at"),
        None,
        "wagtail's AbstractImage declares it"
    );
    assert_eq!(
        bk.lookup("is_active"),
        None,
        "Django's AbstractUser declares it"
    );
    let bare = with(&["timestamps-bare"]);
    one(&bare, "create_time", "created");
    one(&bare, "updated_at", "modified");
    // Names a convention gives up to third-party models stay unreported in every direction.
    for library in [&library, &bk, &bare] {
        for name in [
            "created",
            "modified",
            "is_removed",
            "deleted",
            "active",
            "expires",
        ] {
            assert_eq!(library.lookup(name), None, "{name}");
        }
    }
}

#[test]
fn builtin_leaves_common_legitimate_names_alone() {
    let legitimate = [
        "state",
        "date",
        "type",
        "name",
        "time",
        "value",
        "key",
        "id",
        "user",
        "user_id",
        "owner",
        "content",
        "comment",
        "remark",
        "code",
        "url",
        "start_date",
        "end_date",
        "last_login",
        "date_joined",
        "expire_date",
        "action_time",
        "is_staff",
        "is_superuser",
        "pub_date",
        "expires_at",
        "has_read",
        "lang",
        "read_time",
        "operator",
        "creator_id",
        "referer",
        "calender",
        "massage",
        "organisation",
        "colour",
        "cancelled",
    ];
    for choice in every_choice() {
        let library = Library::builtin_with(&choice);
        for name in legitimate {
            assert_eq!(library.lookup(name), None, "{name}");
        }
    }
}
