//! Tests of the CSV format: encodings, line ends, quoting, blank cells and lines, and the
//! fatal problems of rows that cannot be read, each with the exact line reported.

use super::*;
use crate::library::{LibraryError, Separator};

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
    let kind = ProblemKind::FirstRowIsData {
        first_cell: name("created_at"),
    };
    assert_eq!(problems(&library), vec![(1, kind)]);
    assert_eq!(suggested(&library, "ctime"), ["created_at"]);
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
fn blank_cells_and_blank_rows_are_ignored() {
    let library = load(&format!(
        "{HEADER}gender,,sex\naccount,,\n,,\n   \nlevel,level,\ncount,,\"cnt\",,\n"
    ));
    assert_eq!(problems(&library), vec![]);
    assert_eq!(description(&library, "sex"), "");
    assert!(library.is_correct("account"));
    assert!(library.is_correct("level"));
    assert_eq!(suggested(&library, "cnt"), ["count"]);
}

/// A cell left out is not a blank cell: `created_at,create_time` would put the wrong name in
/// the description, where it checks nothing.
#[test]
fn rows_with_fewer_than_three_cells_are_fatal_at_their_line() {
    let library = load(&format!(
        "{HEADER}gender,,sex\naccount\n\ncreated_at,create_time\nlevel,\n"
    ));
    assert_eq!(
        problems(&library),
        vec![
            (3, ProblemKind::TooFewCells { count: 1 }),
            (5, ProblemKind::TooFewCells { count: 2 }),
            (6, ProblemKind::TooFewCells { count: 2 }),
        ]
    );
    assert!(library.has_fatal_problems());
    assert!(!library.is_correct("created_at"));
    let text = message(&library.problems()[0]);
    assert!(
        text.starts_with("malformed row: 1 cell where 3 are required"),
        "{text}"
    );
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
fn first_row_that_looks_like_data_is_read_as_a_row_with_a_note() {
    let library = load("created_at,creation time,create_time\ngender,,sex\n");
    let kind = ProblemKind::FirstRowIsData {
        first_cell: name("created_at"),
    };
    assert_eq!(problems(&library), vec![(1, kind)]);
    assert!(library.problems()[0].is_note());
    assert!(!library.has_fatal_problems());
    assert_eq!(suggested(&library, "create_time"), ["created_at"]);
    let text = message(&library.problems()[0]);
    assert!(text.contains("read as a row, not as a header"), "{text}");
    // A file of one such row has a row.
    let library = load("created_at,creation time,create_time\n");
    assert!(!library.has_fatal_problems());
    assert_eq!(suggested(&library, "create_time"), ["created_at"]);
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
fn lfs_pointer_is_fatal_and_not_read_as_rows() {
    let library =
        load("version https://git-lfs.github.com/spec/v1\noid sha256:4d7a2146\nsize 12345\n");
    assert_eq!(problems(&library), vec![(1, ProblemKind::LfsPointer)]);
    assert!(library.has_fatal_problems());
    let text = message(&library.problems()[0]);
    assert!(text.contains("run `git lfs pull`"), "{text}");
}

#[test]
fn other_separators_are_fatal_and_not_read_as_rows() {
    for (csv, separator, shown) in [
        (
            "correct_name;description;wrong_names\ncreated_at;creation time;\"a,b,c,d\"\n",
            Separator::Semicolon,
            "`;`",
        ),
        (
            "\n字段名\t说明\t错误字段集\ncreated_at\t创建时间\tcreate_time\n",
            Separator::Tab,
            "a tab",
        ),
    ] {
        let library = load(csv);
        let line = if csv.starts_with('\n') { 2 } else { 1 };
        let kind = ProblemKind::OtherSeparator { separator };
        // One problem, not a malformed row or a name that is no identifier per line.
        assert_eq!(problems(&library), vec![(line, kind)], "{csv:?}");
        assert!(library.has_fatal_problems());
        let text = message(&library.problems()[0]);
        assert!(
            text.contains(&format!("use {shown} as its separator")),
            "{text}"
        );
    }
}

#[test]
fn correct_names_only_is_fatal_alone_and_a_warning_beside_wrong_names() {
    let only_correct = format!("{HEADER}account,账户,\nlevel,,\n");
    let library = load(&only_correct);
    let fatal = ProblemKind::NoWrongNames {
        checks_nothing: true,
    };
    assert_eq!(problems(&library), vec![(1, fatal)]);
    assert!(library.has_fatal_problems());
    assert!(library.checks_nothing());

    // Beside a file with wrong names, in either order, it is a warning.
    let with_wrong = format!("{HEADER}gender,,sex\n");
    for order in [[&only_correct, &with_wrong], [&with_wrong, &only_correct]] {
        let mut library = Library::empty();
        for csv in order {
            library.add_csv(ORIGIN, csv.as_bytes());
        }
        let warning = ProblemKind::NoWrongNames {
            checks_nothing: false,
        };
        assert_eq!(problems(&library), vec![(1, warning)]);
        assert!(!library.has_fatal_problems());
    }
    // Beside the built-in library too.
    let mut library = Library::builtin();
    library.add_csv(ORIGIN, only_correct.as_bytes());
    assert!(!library.has_fatal_problems());
}

#[test]
fn a_file_whose_rows_cannot_be_read_is_not_also_said_to_list_no_wrong_name() {
    let library = load(&format!("{HEADER}a,b,c,d\n"));
    assert_eq!(
        problems(&library),
        vec![(2, ProblemKind::TooManyCells { count: 4 })]
    );
}

#[test]
fn wrong_names_all_declared_correct_leave_a_library_that_checks_nothing() {
    let mut library = Library::empty();
    library.add_csv(ORIGIN, format!("{HEADER}x,,y\n").as_bytes());
    library.add_csv(ORIGIN, format!("{HEADER}y,,x\n").as_bytes());
    assert!(!library.has_fatal_problems());
    assert!(library.checks_nothing());
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
    } = &err
    else {
        panic!("expected a read error, got {err:?}");
    };
    assert_eq!(shown, &path.display().to_string());
    assert_eq!(source.kind(), std::io::ErrorKind::NotFound);
    assert!(err.to_string().contains("missing.csv"));
    assert!(library.problems().is_empty());
}

#[cfg(unix)]
#[test]
fn add_file_on_a_dangling_symlink_names_its_target() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let path = dir.path().join("fields.csv");
    std::os::unix::fs::symlink("gone.csv", &path).expect("symlink");
    let mut library = Library::empty();
    let err = library.add_file(&path).expect_err("dangling symlink");
    assert!(
        matches!(&err, LibraryError::DanglingSymlink { target, .. } if target.as_os_str() == "gone.csv"),
        "{err:?}"
    );
    assert!(
        err.to_string()
            .ends_with("it is a symlink to `gone.csv`, which does not exist")
    );
}
