//! A library that checks nothing fails closed: the hook, run on a staged migration that adds a
//! wrong name, stops with exit status 2 and one line saying why, instead of letting every commit
//! through. Also the rows and configs that used to be dropped or passed over in silence.

use crate::support::{M1, Repo, finding, migration, run_in};

const HEADER: &str = "correct_name,description,wrong_names\n";

/// A repository with `craete_time` added in a staged migration, the given files written, and
/// the config naming `library.csv` as the library.
fn staged(files: &[(&str, &[u8])]) -> Repo {
    let repo = Repo::new();
    repo.write(M1, migration(&["craete_time"]));
    repo.write(".check-migrate.toml", "library = [\"library.csv\"]\n");
    for (path, content) in files {
        repo.write(path, content);
    }
    repo.git(&["add", "-A"]);
    repo
}

/// The hook's run: staged mode, concise output.
fn hook(repo: &Repo) -> crate::support::Run {
    repo.check(&["--format", "concise"])
}

/// Exit 2, nothing checked, and stderr starting with `expected`.
fn assert_stopped(run: &crate::support::Run, expected: &str) {
    assert_eq!(run.code, 2, "{run:?}");
    assert_eq!(run.stdout, "", "nothing is checked: {run:?}");
    assert!(run.stderr.starts_with(expected), "{}", run.stderr);
}

#[test]
fn lfs_pointer_library_stops_the_hook() {
    let pointer = b"version https://git-lfs.github.com/spec/v1\noid sha256:4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393\nsize 12345\n";
    let repo = staged(&[("library.csv", pointer)]);
    let run = hook(&repo);
    assert_stopped(
        &run,
        "error: library.csv:1: this is a git-lfs pointer, not the CSV itself; run `git lfs pull` \
         (or fetch the real file) so the library can be read\n",
    );
}

#[test]
fn semicolon_separated_library_stops_the_hook() {
    let csv = "correct_name;description;wrong_names\ncreated_at;creation time;\"craete_time,ctime\"\ngender;;sex\n";
    let repo = staged(&[("library.csv", csv.as_bytes())]);
    assert_stopped(
        &hook(&repo),
        "error: library.csv:1: the file seems to use `;` as its separator, so each row reads as \
         one cell and no wrong name is listed; save it comma-separated \
         (correct_name,description,wrong_names)\n",
    );
}

#[test]
fn tab_separated_library_stops_the_hook() {
    let csv =
        "correct_name\tdescription\twrong_names\ncreated_at\tcreation time\tcreate_time,ctime\n";
    let repo = staged(&[("library.csv", csv.as_bytes())]);
    assert_stopped(
        &hook(&repo),
        "error: library.csv:1: the file seems to use a tab as its separator,",
    );
}

#[test]
fn library_of_correct_names_only_stops_the_hook() {
    let csv = format!("{HEADER}create_time,creation time,\naccount,账户,\n");
    let repo = staged(&[("library.csv", csv.as_bytes())]);
    assert_stopped(
        &hook(&repo),
        "error: library.csv:1: no row lists a wrong name (the wrong_names cell is blank in every \
         row), so the library checks nothing; list them there, e.g. \
         `created_at,creation time,\"create_time,ctime\"`\n",
    );
    let check = repo.check(&["--check-library"]);
    assert_eq!(check.code, 2, "{check:?}");
    assert!(
        check
            .stdout
            .starts_with("library.csv:1: error: no row lists a wrong name"),
        "{check:?}"
    );
}

#[test]
fn correct_names_only_file_among_several_is_a_warning() {
    let ours = format!("{HEADER}create_time,creation time,craete_time\n");
    let names = format!("{HEADER}account,账户,\n");
    let repo = staged(&[
        ("library.csv", ours.as_bytes()),
        ("names.csv", names.as_bytes()),
    ]);
    repo.write(
        ".check-migrate.toml",
        "library = [\"library.csv\"]\nextend-library = [\"names.csv\"]\n",
    );
    repo.git(&["add", "-A"]);
    let run = hook(&repo);
    assert_eq!(run.code, 1, "the other file still checks: {run:?}");
    assert_eq!(run.lines()[0], finding(M1, 9, "craete_time", "create_time"));
    assert!(
        run.stderr.starts_with(
            "warning: names.csv:1: no row lists a wrong name (the wrong_names cell is blank in \
             every row): this file only declares names correct"
        ),
        "{}",
        run.stderr
    );
}

#[test]
fn headerless_library_reads_its_first_row_with_a_note() {
    let csv = "create_time,creation time,craete_time\ngender,,sex\n";
    let repo = staged(&[("library.csv", csv.as_bytes())]);
    let run = hook(&repo);
    assert_eq!(run.code, 1, "the first row is a row: {run:?}");
    assert_eq!(run.lines()[0], finding(M1, 9, "craete_time", "create_time"));
    assert_eq!(
        run.stderr.matches("note:").count(),
        1,
        "one note: {}",
        run.stderr
    );
    assert!(
        run.stderr.starts_with(
            "note: library.csv:1: the first row starts with the field name `create_time`, so it \
             is read as a row, not as a header"
        ),
        "{}",
        run.stderr
    );
    // The note does not make the library a problem.
    let check = repo.check(&["--check-library"]);
    assert_eq!(check.code, 0, "{check:?}");
}

#[test]
fn real_headers_give_no_note() {
    for header in [
        "correct_name,description,wrong_names\n",
        "\u{FEFF}字段名,说明,错误字段集\r\n",
    ] {
        let csv = format!("{header}create_time,创建时间,\"craete_time,created_time\"\n");
        let repo = staged(&[("library.csv", csv.as_bytes())]);
        let run = hook(&repo);
        assert_eq!(run.code, 1, "{header:?}: {run:?}");
        assert_eq!(run.lines()[0], finding(M1, 9, "craete_time", "create_time"));
        assert_eq!(
            run.stderr.lines().next(),
            Some(
                "commit blocked by check-migrate: fix the errors above, accept a name on purpose with a `# check-migrate: ignore[rule]` comment on its line, or commit anyway with `git commit --no-verify`."
            ),
            "{header:?}"
        );
        assert_eq!(run.stderr.lines().count(), 1, "{header:?}: {}", run.stderr);
    }
}

#[test]
fn short_row_is_reported_at_its_line() {
    let csv = format!("{HEADER}gender,,sex\ncreated_at,craete_time\n");
    let repo = staged(&[("library.csv", csv.as_bytes())]);
    assert_stopped(
        &hook(&repo),
        "error: library.csv:3: malformed row: 2 cells where 3 are required \
         (correct_name,description,wrong_names); leave a cell blank rather than out, \
         e.g. `account,,`\n",
    );
    let check = repo.check(&["--check-library", "library.csv"]);
    assert_eq!(check.code, 2, "{check:?}");
    assert!(
        check
            .stdout
            .starts_with("library.csv:3: error: malformed row: 2 cells"),
        "{check:?}"
    );
}

#[test]
fn builtin_and_normal_libraries_pass_a_clean_commit() {
    let csv = format!("{HEADER}create_time,creation time,\"craete_time,ctime\"\n");
    for config in ["", "library = [\"library.csv\"]\n"] {
        let repo = Repo::new();
        repo.write(M1, migration(&["create_time", "title"]));
        repo.write("library.csv", &csv);
        repo.write(".check-migrate.toml", config);
        repo.git(&["add", "-A"]);
        let run = hook(&repo);
        assert_eq!(run.code, 0, "{config:?}: {run:?}");
        assert_eq!(run.stderr, "", "{config:?}");
    }
}

#[cfg(unix)]
#[test]
fn dangling_config_symlink_is_an_error() {
    let repo = Repo::new();
    repo.write(M1, migration(&["craete_time"]));
    std::os::unix::fs::symlink(
        "../shared/check-migrate.toml",
        repo.path().join(".check-migrate.toml"),
    )
    .expect("symlink");
    repo.git(&["add", "-A"]);
    assert_stopped(
        &hook(&repo),
        "error: .check-migrate.toml is a symlink to `../shared/check-migrate.toml`, which does \
         not exist; restore the file it points to or remove the link\n",
    );
    // Outside a repository, where the config is looked for from the working directory up.
    let dir = tempfile::TempDir::new().expect("temporary directory");
    std::fs::create_dir_all(dir.path().join("blog/migrations")).expect("create migrations");
    std::fs::write(dir.path().join(M1), migration(&["craete_time"])).expect("write migration");
    std::os::unix::fs::symlink("gone.toml", dir.path().join(".check-migrate.toml"))
        .expect("symlink");
    assert_stopped(
        &run_in(dir.path(), &["blog"]),
        "error: .check-migrate.toml is a symlink to `gone.toml`, which does not exist;",
    );
    // The same for a tracked config in a subdirectory, found among the tracked files.
    let repo = Repo::new();
    repo.write(
        "backend/blog/migrations/0001_initial.py",
        migration(&["craete_time"]),
    );
    std::os::unix::fs::symlink(
        "missing.toml",
        repo.path().join("backend/.check-migrate.toml"),
    )
    .expect("symlink");
    repo.git(&["add", "-A"]);
    assert_stopped(
        &hook(&repo),
        "error: backend/.check-migrate.toml is a symlink to `missing.toml`, which does not exist;",
    );
}

#[cfg(unix)]
#[test]
fn dangling_library_symlink_is_an_error() {
    let repo = staged(&[]);
    std::os::unix::fs::symlink("docs/field_library.csv", repo.path().join("library.csv"))
        .expect("symlink");
    repo.git(&["add", "-A"]);
    assert_stopped(
        &hook(&repo),
        "error: .check-migrate.toml:1: key `library`: library file `library.csv` is a symlink to \
         `docs/field_library.csv`, which does not exist",
    );
    let run = repo.check(&["--no-config", "--library", "library.csv"]);
    assert_stopped(
        &run,
        "error: cannot read field library library.csv: it is a symlink to \
         `docs/field_library.csv`, which does not exist\n",
    );
}
