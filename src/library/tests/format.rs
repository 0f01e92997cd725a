//! Tests of the CSV format: encodings, line ends, quoting, blank cells and lines, and the
//! fatal problems of rows that cannot be read, each with the exact line reported.

use super::*;
use crate::library::LibraryError;

const HEADER: &str = "correct_name,description,wrong_names\n";

#[test]
fn plain_rows_load_without_problems() {
    let library = load(&format!(
        "{HEADER}created_at,creation time,\"create_time,ctime\"\ngender,,sex"
    ));
    assert_eq!(problems(&library), vec![]);
    assert_eq!(suggested(&library, "create_time"), ["created_at"]);
    assert_eq!(suggested(&library, "ctime"), ["created_at"]);
    assert_eq!(description(&library, "ctime"), "creation time");
    assert_eq!(suggested(&library, "sex"), ["gender"]);
    assert_eq!(library.len(), 3);
    assert!(library.is_correct("created_at"));
    assert!(!library.is_correct("ctime"));
}

#[test]
fn byte_order_mark_is_dropped() {
    let library = load_bytes(b"\xEF\xBB\xBFcorrect_name,description,wrong_names\ngender,,sex");
    assert_eq!(problems(&library), vec![]);
    assert_eq!(suggested(&library, "sex"), ["gender"]);
    // The first cell is read without the mark, or it would not look like a name.
    let library = load_bytes(b"\xEF\xBB\xBFcreated_at,creation time,ctime\ngender,,sex\n");
    let kind = ProblemKind::HeaderLooksLikeData {
        first_cell: name("created_at"),
    };
    assert_eq!(problems(&library), vec![(1, kind)]);
}

#[test]
fn crlf_line_ends_count_one_line_each() {
    let library = load("name,description,wrong\r\na,,x\r\nb,,y\r\n\r\nb,,\r\n");
    let first = at(3);
    let kind = ProblemKind::DuplicateCorrectName {
        name: name("b"),
        first,
    };
    assert_eq!(problems(&library), vec![(5, kind)]);
    assert_eq!(suggested(&library, "y"), ["b"]);
}

#[test]
fn quoted_lists_with_stray_spaces_are_trimmed() {
    let library = load(&format!(
        "{HEADER}  created_at , creation time ,\" create_time ,  ctime ,, \"\n"
    ));
    assert_eq!(problems(&library), vec![]);
    assert_eq!(suggested(&library, "create_time"), ["created_at"]);
    assert_eq!(suggested(&library, "ctime"), ["created_at"]);
    assert_eq!(description(&library, "ctime"), "creation time");
    assert_eq!(library.len(), 2);
}

#[test]
fn unquoted_single_wrong_name_is_fine() {
    let library = load(&format!("{HEADER}gender,sex of a person,sex\n"));
    assert_eq!(problems(&library), vec![]);
    assert_eq!(description(&library, "sex"), "sex of a person");
}

#[test]
fn blank_cells_and_short_rows_are_ignored() {
    let library = load(&format!(
        "{HEADER}gender,,sex\naccount\n,,\n   \nlevel,level\ncount,,\"cnt\",,\n"
    ));
    assert_eq!(problems(&library), vec![]);
    assert_eq!(description(&library, "sex"), "");
    assert!(library.is_correct("account"));
    assert!(library.is_correct("level"));
    assert_eq!(suggested(&library, "cnt"), ["count"]);
}

#[test]
fn blank_lines_keep_line_numbers() {
    let library = load(&format!("\n\n{HEADER}\na,,x\n\n\n  \na,,y\n"));
    let kind = ProblemKind::DuplicateCorrectName {
        name: name("a"),
        first: at(5),
    };
    assert_eq!(problems(&library), vec![(9, kind)]);
}

#[test]
fn multi_line_quoted_cells_keep_later_line_numbers() {
    let library = load(&format!(
        "{HEADER}a,\"first line\nsecond line\",\"x,\ny\"\nb,,\"z,z\"\n"
    ));
    let kind = ProblemKind::RepeatedWrongName {
        name: name("z"),
        correct: name("b"),
        first: None,
    };
    assert_eq!(problems(&library), vec![(5, kind)]);
    assert_eq!(suggested(&library, "y"), ["a"]);
    assert_eq!(description(&library, "x"), "first line\nsecond line");
}

#[test]
fn unterminated_quote_is_reported_where_the_quote_opens() {
    // The record starts on line 2; its unclosed quote opens on line 3. Reading resumes on
    // line 4, so the later rows are read and their problems reported.
    let library = load(&format!("{HEADER}a,\"multi\nline\",\"x,y\nb,,z\nb,,w"));
    let duplicate = ProblemKind::DuplicateCorrectName {
        name: name("b"),
        first: at(4),
    };
    assert_eq!(
        problems(&library),
        vec![(3, ProblemKind::UnterminatedQuote), (5, duplicate)]
    );
    assert!(library.has_fatal_problems());
    assert_eq!(suggested(&library, "x"), Vec::<&str>::new());
    assert_eq!(suggested(&library, "w"), ["b"]);
}

#[test]
fn too_many_cells_is_fatal_and_later_rows_are_still_read() {
    let library = load(&format!(
        "{HEADER}created_at,creation time,create_time,ctime\nb,,x,,\nc,,x\n"
    ));
    let ambiguous = ProblemKind::AmbiguousWrongName {
        name: name("x"),
        first_correct: name("b"),
        first: at(3),
        correct: name("c"),
    };
    assert_eq!(
        problems(&library),
        vec![(2, ProblemKind::TooManyCells { count: 4 }), (4, ambiguous)]
    );
    let text = message(&library.problems()[0]);
    assert!(text.contains("must be quoted"), "{text}");
    assert_eq!(library.lookup("create_time"), None);
    assert!(!library.is_correct("created_at"));
}

#[test]
fn wrong_names_without_correct_name_are_fatal() {
    let library = load(&format!(
        "{HEADER} ,creation time,create_time\n,only a description,\n"
    ));
    assert_eq!(
        problems(&library),
        vec![(2, ProblemKind::MissingCorrectName)]
    );
    assert!(library.has_fatal_problems());
}

#[test]
fn invalid_utf8_is_reported_at_its_line() {
    let mut bytes = HEADER.as_bytes().to_vec();
    bytes.extend_from_slice(b"a,\"two\nlines \xB4\xB4\",x\nb,,y\n");
    let library = load_bytes(&bytes);
    assert_eq!(problems(&library), vec![(3, ProblemKind::InvalidUtf8)]);
    assert!(library.has_fatal_problems());
    assert_eq!(library.lookup("x"), None);
    assert_eq!(suggested(&library, "y"), ["b"]);
}

#[test]
fn invalid_utf8_in_the_header_is_reported() {
    let library = load_bytes(b"\xD7\xD6\xB6\xCE,x,y\na,,b\n");
    assert_eq!(problems(&library), vec![(1, ProblemKind::InvalidUtf8)]);
    assert_eq!(suggested(&library, "b"), ["a"]);
}

#[test]
fn empty_file_is_fatal() {
    for input in ["", "\u{FEFF}", "\n\r\n\n"] {
        let library = load(input);
        assert_eq!(
            problems(&library),
            vec![(1, ProblemKind::EmptyFile)],
            "{input:?}"
        );
        assert!(library.has_fatal_problems());
        let text = message(&library.problems()[0]);
        assert!(text.contains("almost surely a mistake"), "{text}");
    }
}

#[test]
fn header_only_is_fatal() {
    for input in [
        HEADER,
        "correct_name,description,wrong_names",
        "\nfield,about,wrong\n\n,,\n",
    ] {
        let library = load(input);
        let line = if input.starts_with('\n') { 2 } else { 1 };
        assert_eq!(
            problems(&library),
            vec![(line, ProblemKind::NoRows)],
            "{input:?}"
        );
        assert!(library.has_fatal_problems());
        let text = message(&library.problems()[0]);
        assert!(text.contains("almost surely a mistake"), "{text}");
    }
}

#[test]
fn first_row_that_looks_like_data_is_still_the_header() {
    let library = load("created_at,creation time,create_time\ngender,,sex\n");
    let kind = ProblemKind::HeaderLooksLikeData {
        first_cell: name("created_at"),
    };
    assert_eq!(problems(&library), vec![(1, kind)]);
    assert!(!library.has_fatal_problems());
    assert_eq!(library.lookup("create_time"), None);
    let text = message(&library.problems()[0]);
    assert!(text.contains("always read as the header"), "{text}");
}

#[test]
fn usual_headers_do_not_look_like_data() {
    for header in [
        "correct_name,description,wrong_names",
        "字段名,说明,错误字段集",
        "name,description,wrong",
        "good_name,,",
        "Correct,Description,Wrong",
    ] {
        let library = load(&format!("{header}\ngender,,sex\n"));
        assert_eq!(problems(&library), vec![], "{header}");
    }
}

#[test]
fn add_file_reads_a_file_and_names_it_in_problems() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let path = dir.path().join("fields.csv");
    std::fs::write(&path, format!("{HEADER}a,,x\nb,,x\n")).expect("write library");
    let mut library = Library::empty();
    library.add_file(&path).expect("readable library");
    assert_eq!(suggested(&library, "x"), ["a", "b"]);
    let problem = &library.problems()[0];
    assert_eq!(problem.location.file, path.display().to_string());
    assert_eq!(problem.location.line, 3);
}

#[test]
fn add_file_on_a_missing_path_is_a_read_error() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let path = dir.path().join("missing.csv");
    let mut library = Library::empty();
    let err = library.add_file(&path).expect_err("missing file");
    let LibraryError::Read {
        path: shown,
        source,
    } = &err;
    assert_eq!(shown, &path.display().to_string());
    assert_eq!(source.kind(), std::io::ErrorKind::NotFound);
    assert!(err.to_string().contains("missing.csv"));
    assert!(library.problems().is_empty());
}
