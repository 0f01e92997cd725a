//! The field library from the command line: `--library` replaces the built-in one,
//! `--check-library` lists problems with file and line, and an unreadable library stops the
//! run with exit status 2.

use std::path::{Path, PathBuf};

use tempfile::TempDir;

use crate::support::run_in;

const MIGRATION: &str = "from django.db import migrations, models\n\n\nclass Migration(migrations.Migration):\n    operations = [\n        migrations.AddField(\"post\", \"craete_time\", models.DateTimeField()),\n        migrations.AddField(\"post\", \"start_time\", models.DateTimeField()),\n        migrations.AddField(\"post\", \"creation_time\", models.DateTimeField()),\n    ]\n";

/// A directory with one migration and the given library files.
fn workspace(libraries: &[(&str, &[u8])]) -> TempDir {
    let dir = TempDir::new().expect("temporary directory");
    let migrations = dir.path().join("blog/migrations");
    std::fs::create_dir_all(&migrations).expect("create migrations");
    std::fs::write(migrations.join("0002_times.py"), MIGRATION).expect("write migration");
    for (name, content) in libraries {
        std::fs::write(dir.path().join(name), content).expect("write library");
    }
    dir
}

#[test]
fn check_library_reports_each_bad_row_with_its_line() {
    let bad = b"\xef\xbb\xbfcorrect_name,description,wrong_names\r\ncreated_at,creation time,\"craete_time, ctime\"\r\nupdated_at,update time,udpate_time,updata_time\r\n,orphan,\"orphan_name\"\r\nis_deleted,soft delete,\"is_delted\r\nname,x,y\r\n";
    let dir = workspace(&[("bad.csv", bad)]);
    let run = run_in(dir.path(), &["--check-library", "bad.csv"]);
    assert_eq!(run.code, 2, "{run:?}");
    let lines = run.lines();
    assert_eq!(lines.len(), 4, "{run:?}");
    assert!(
        lines[0]
            .starts_with("bad.csv:3: error: malformed row: 4 cells where at most 3 are allowed")
    );
    assert!(lines[0].contains("the wrong-names list must be quoted"));
    assert_eq!(
        lines[1],
        "bad.csv:4: error: malformed row: wrong names are listed but the correct name is blank"
    );
    assert!(lines[2].starts_with("bad.csv:5: error: unterminated quote"));
    assert_eq!(lines[3], "bad.csv: 3 problem(s), 3 of them unreadable rows");
}

#[test]
fn unreadable_library_stops_the_run() {
    let dir = workspace(&[(
        "bad.csv",
        b"correct_name,description,wrong_names\ncreated_at,creation time,craete_time,ctime\n",
    )]);
    let run = run_in(dir.path(), &["--library", "bad.csv", "blog"]);
    assert_eq!(run.code, 2, "{run:?}");
    assert_eq!(run.stdout, "", "nothing is checked with a broken library");
    assert!(
        run.stderr.starts_with("error: bad.csv:2: malformed row"),
        "{run:?}"
    );
    assert!(
        run.stderr.contains("the field library cannot be used"),
        "{run:?}"
    );
}

#[test]
fn invalid_utf8_library_is_an_error_with_its_line() {
    let dir = workspace(&[(
        "gbk.csv",
        b"correct_name,description,wrong_names\ncreated_at,\xb4\xb4\xbd\xa8,craete_time\n",
    )]);
    let run = run_in(dir.path(), &["--library", "gbk.csv", "blog"]);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(
        run.stderr.starts_with("error: gbk.csv:2: invalid UTF-8"),
        "{run:?}"
    );
}

#[test]
fn missing_library_file_is_exit_2() {
    let dir = workspace(&[]);
    let run = run_in(dir.path(), &["--library", "nope.csv", "blog"]);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(
        run.stderr
            .starts_with("error: cannot read field library nope.csv:"),
        "{run:?}"
    );
}

#[test]
fn library_flag_replaces_the_builtin_library() {
    let dir = workspace(&[(
        "ours.csv",
        b"\xef\xbb\xbf\xe5\xad\x97\xe6\xae\xb5\xe5\x90\x8d,\xe8\xaf\xb4\xe6\x98\x8e,\xe9\x94\x99\xe8\xaf\xaf\xe5\xad\x97\xe6\xae\xb5\xe9\x9b\x86\r\ncreated_at,\xe5\x88\x9b\xe5\xbb\xba\xe6\x97\xb6\xe9\x97\xb4,\"craete_time , created_time\"\r\n",
    )]);
    let builtin = run_in(dir.path(), &["--format", "concise", "blog"]);
    assert_eq!(builtin.code, 1);
    assert_eq!(
        builtin.lines().len(),
        2,
        "the one misspelling (no convention is on) and a summary: {builtin:?}"
    );
    let run = run_in(
        dir.path(),
        &["--library", "ours.csv", "--format", "concise", "blog"],
    );
    assert_eq!(run.code, 1, "{run:?}");
    assert_eq!(
        run.lines(),
        [
            "blog/migrations/0002_times.py:6:38: error[field-name] `craete_time` should be `created_at`",
            "checked 1 migration file: 1 error, 0 warnings",
        ]
    );
    assert_eq!(run.stderr, "");
}

#[test]
fn repeated_library_flags_merge_and_report_cross_file_ambiguity() {
    let dir = workspace(&[
        ("a.csv", b"correct_name,description,wrong_names\nbegin_at,begin,start_time\n"),
        ("b.csv", b"correct_name,description,wrong_names\nstarted_at,start,\"start_time,creation_time\"\n"),
    ]);
    let run = run_in(
        dir.path(),
        &[
            "--library",
            "a.csv",
            "--library",
            "b.csv",
            "--format",
            "concise",
            "blog",
        ],
    );
    assert_eq!(run.code, 1, "{run:?}");
    assert_eq!(
        run.lines(),
        [
            "blog/migrations/0002_times.py:7:38: error[field-name] `start_time` should be `begin_at` or `started_at`",
            "blog/migrations/0002_times.py:8:38: error[field-name] `creation_time` should be `started_at`",
            "checked 1 migration file: 2 errors, 0 warnings",
        ]
    );
    let check = run_in(
        dir.path(),
        &[
            "--check-library",
            "--library",
            "a.csv",
            "--library",
            "b.csv",
        ],
    );
    assert_eq!(check.code, 1, "{check:?}");
    assert!(
        check
            .stdout
            .contains("b.csv:2: warning: ambiguous wrong name `start_time`"),
        "{check:?}"
    );
    assert!(
        check.stdout.contains("a.csv:2"),
        "both places are named: {check:?}"
    );
}

#[test]
fn builtin_library_checks_clean() {
    let dir = workspace(&[]);
    let run = run_in(dir.path(), &["--check-library"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(
        run.stdout.starts_with("<built-in>: no problems ("),
        "{run:?}"
    );
}

/// The library BlueKing teams use today, from the shared reference folder outside the
/// project (the test that reads it is ignored unless asked for, and fails without it).
fn bklog_library() -> PathBuf {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/reference/bklog_field_library.csv");
    assert!(path.is_file(), "{} is absent", path.display());
    path
}

#[test]
#[ignore = "reads ../shared/reference/bklog_field_library.csv, outside the project"]
fn bklog_library_loads_with_its_ambiguities_reported() {
    let library = bklog_library();
    let library = library.to_str().expect("utf-8 path");
    let dir = workspace(&[]);
    let check = run_in(dir.path(), &["--check-library", library]);
    assert_eq!(check.code, 1, "problems, none fatal: {check:?}");
    assert!(
        check
            .stdout
            .contains(":163: warning: ambiguous wrong name `start_time`")
    );
    assert!(
        check
            .stdout
            .ends_with(": 6 problem(s), 0 of them unreadable rows\n"),
        "{check:?}"
    );

    let run = run_in(
        dir.path(),
        &["--library", library, "--color", "never", "blog"],
    );
    assert_eq!(run.code, 1, "{run:?}");
    assert!(
        run.stdout
            .contains("error[field-name]: `craete_time` should be `create_time`\n")
    );
    assert!(
        run.stdout
            .contains("= help: `create_time`: 创建时间. Rename the model field")
    );
    assert!(
        run.stdout
            .contains("`start_time` should be `begin_at` or `started_at`")
    );
    assert!(
        run.stderr.contains("the field library has 6 problem(s)"),
        "{run:?}"
    );
}
