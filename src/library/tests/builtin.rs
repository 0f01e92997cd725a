//! The built-in library must be clean and kept in canonical form.
//!
//! Canonical form of `data/field_library.csv`, checked here on the raw text:
//! - UTF-8 without a byte order mark, LF line ends, a final newline, no blank lines;
//! - the header is exactly `correct_name,description,wrong_names`;
//! - every row is `correct_name,description,"wrong,names"`: the description is unquoted,
//!   lowercase, non-empty, and holds no comma or quote; the wrong-names cell is always quoted,
//!   with names separated by bare commas;
//! - rows are sorted by correct name and the wrong names of a row are sorted, both in byte
//!   order, with no repeats.

use super::*;
use crate::library::load::is_snake_case;
use crate::library::{BUILTIN_CSV, BUILTIN_ORIGIN};

const HEADER: &str = "correct_name,description,wrong_names";

struct Row<'a> {
    line: usize,
    correct: &'a str,
    description: &'a str,
    wrong: Vec<&'a str>,
}

/// Split the built-in text by the canonical form, failing on anything outside it.
fn canonical_rows() -> Vec<Row<'static>> {
    assert!(!BUILTIN_CSV.starts_with('\u{FEFF}'), "byte order mark");
    assert!(!BUILTIN_CSV.contains('\r'), "CR in line ends");
    let body = BUILTIN_CSV.strip_suffix('\n').expect("final newline");
    let mut lines = body.split('\n').enumerate().map(|(i, l)| (i + 1, l));
    assert_eq!(lines.next(), Some((1, HEADER)));
    lines
        .map(|(line, text)| {
            let (correct, rest) = text.split_once(',').expect("three cells");
            let (description, list) = rest.split_once(',').expect("three cells");
            let list = list
                .strip_prefix('"')
                .and_then(|l| l.strip_suffix('"'))
                .unwrap_or_else(|| panic!("line {line}: wrong names not quoted"));
            let wrong = list.split(',').collect();
            Row {
                line,
                correct,
                description,
                wrong,
            }
        })
        .collect()
}

#[test]
fn builtin_is_canonical() {
    let rows = canonical_rows();
    for pair in rows.windows(2) {
        assert!(
            pair[0].correct < pair[1].correct,
            "line {}: {} is not after {}",
            pair[1].line,
            pair[1].correct,
            pair[0].correct
        );
    }
    for row in &rows {
        let line = row.line;
        let d = row.description;
        assert!(!d.is_empty(), "line {line}: no description");
        assert_eq!(d, d.trim(), "line {line}: spaces around the description");
        assert_eq!(
            d,
            d.to_lowercase(),
            "line {line}: description not lowercase"
        );
        assert!(
            !d.contains(['"', ',']),
            "line {line}: description needs quoting"
        );
        assert!(!row.wrong.is_empty(), "line {line}: no wrong names");
        for pair in row.wrong.windows(2) {
            assert!(
                pair[0] < pair[1],
                "line {line}: {pair:?} not sorted or repeated"
            );
        }
    }
}

#[test]
fn builtin_is_clean() {
    let library = Library::builtin();
    assert_eq!(library.problems(), &[], "built-in library problems");
    let rows = canonical_rows();
    let mut wrong_count = 0;
    for row in &rows {
        let line = row.line;
        assert!(is_snake_case(row.correct), "line {line}: {}", row.correct);
        assert!(library.is_correct(row.correct), "line {line}");
        assert_eq!(library.lookup(row.correct), None, "line {line}");
        for wrong in &row.wrong {
            assert!(is_snake_case(wrong), "line {line}: {wrong}");
            let suggestions = library.lookup(wrong).expect("wrong name");
            assert_eq!(suggestions.len(), 1, "line {line}: {wrong} is ambiguous");
            assert_eq!(suggestions[0].name, row.correct, "line {line}");
            assert_eq!(suggestions[0].description, row.description, "line {line}");
            wrong_count += 1;
        }
    }
    assert_eq!(library.len(), wrong_count, "a wrong name appears twice");
    assert!((60..=120).contains(&rows.len()), "{} rows", rows.len());
}

#[test]
fn builtin_problems_would_be_reported_as_builtin() {
    let mut library = Library::empty();
    library.add_csv(BUILTIN_ORIGIN, b"");
    assert_eq!(library.problems()[0].location.to_string(), "<built-in>:1");
}

#[test]
fn builtin_resolves_the_usual_conventions() {
    let library = Library::builtin();
    let one = |wrong: &str, correct: &str| {
        assert_eq!(suggested(&library, wrong), [correct], "{wrong}");
    };
    one("create_time", "created_at");
    one("created", "created_at");
    one("start_time", "started_at");
    one("start_at", "started_at");
    one("begin_at", "started_at");
    one("modified", "updated_at");
    one("modified_at", "updated_at");
    one("modify_time", "updated_at");
    one("last_modified", "updated_at");
    one("modified_by", "updated_by");
    one("end_time", "ended_at");
    one("finish_time", "finished_at");
    one("creator", "created_by");
    one("deleted", "is_deleted");
    one("enabled", "is_enabled");
    one("active", "is_active");
    one("desc", "description");
    one("sex", "gender");
    assert_eq!(description(&library, "create_time"), "creation time");
}

#[test]
fn builtin_leaves_common_legitimate_names_alone() {
    let library = Library::builtin();
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
    ];
    for name in legitimate {
        assert_eq!(library.lookup(name), None, "{name}");
    }
}
