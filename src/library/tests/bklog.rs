//! Compatibility with the library BlueKing teams use today. The file is reference data kept
//! outside the project, so these tests are ignored unless asked for (`cargo test -- --ignored`).

use std::path::PathBuf;

use super::*;

/// The reference file, outside the project: these tests are `#[ignore]`d so a clean clone
/// shows them as ignored, and they fail (never pass) when run without it.
fn reference_file() -> PathBuf {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/reference/bklog_field_library.csv");
    assert!(
        path.is_file(),
        "the BlueKing reference library {} is absent",
        path.display()
    );
    path
}

fn bklog() -> (Library, String) {
    let path = reference_file();
    let mut library = Library::empty();
    library.add_file(&path).expect("readable reference library");
    (library, path.display().to_string())
}

#[test]
#[ignore = "reads ../shared/reference/bklog_field_library.csv, outside the project"]
fn reference_library_loads_with_its_known_problems_none_fatal() {
    let (library, file) = bklog();
    let here = |line| Location {
        file: file.clone(),
        line,
    };
    let ambiguous =
        |wrong: &str, first_correct: &str, first, correct: &str| ProblemKind::AmbiguousWrongName {
            name: name(wrong),
            first_correct: name(first_correct),
            first: here(first),
            correct: name(correct),
        };
    let found: Vec<(usize, ProblemKind)> = library
        .problems()
        .iter()
        .map(|p| (p.location.line, p.kind.clone()))
        .collect();
    let expected = vec![
        (
            65,
            ProblemKind::RepeatedWrongName {
                name: name("finish_time"),
                correct: name("end_at"),
                first: None,
            },
        ),
        (105, ambiguous("modified", "modified_at", 94, "modified_by")),
        (
            108,
            ProblemKind::DuplicateCorrectName {
                name: name("monitor_id"),
                first: here(19),
            },
        ),
        (
            112,
            ProblemKind::DuplicateCorrectName {
                name: name("node_id"),
                first: here(12),
            },
        ),
        (163, ambiguous("start_at", "begin_at", 24, "started_at")),
        (163, ambiguous("start_time", "begin_at", 24, "started_at")),
    ];
    assert_eq!(found, expected);
    assert!(!library.has_fatal_problems());
    assert!(library.problems().iter().all(|p| p.location.file == file));
}

#[test]
#[ignore = "reads ../shared/reference/bklog_field_library.csv, outside the project"]
fn reference_library_answers_the_lookups_teams_expect() {
    let (library, _) = bklog();
    assert_eq!(suggested(&library, "create_time"), ["created_at"]);
    assert_eq!(
        suggested(&library, "start_time"),
        ["begin_at", "started_at"]
    );
    assert_eq!(suggested(&library, "start_at"), ["begin_at", "started_at"]);
    assert_eq!(
        suggested(&library, "modified"),
        ["modified_at", "modified_by"]
    );
    assert_eq!(suggested(&library, "sex"), ["gender"]);
    assert_eq!(suggested(&library, "finish_time"), ["end_at"]);
    assert_eq!(suggested(&library, "alarm_attr_id"), ["monitor_id"]);
    assert_eq!(library.lookup("created_at"), None);
    assert!(library.is_correct("monitor_id"));
    assert_eq!(description(&library, "create_time"), "创建时间");
    assert_eq!(description(&library, "sex"), "性别");
    let started = library.lookup("start_time").expect("wrong name");
    assert_eq!(started[1].description, "操作开始时间");
}
