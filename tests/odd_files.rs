//! Files that broke the old script: odd encodings, line ends, sizes and shapes. Each gives a
//! clear finding or a clean pass, never a panic, and columns stay right.

use tempfile::TempDir;

#[cfg(unix)]
use crate::support::{Repo, check_migrate, mkfifo, run_guarded};
use crate::support::{Run, run_in};

const HEAD: &str = "from django.db import migrations, models\n\n\nclass Migration(migrations.Migration):\n    operations = [\n";

/// Write `content` as `app/migrations/0002_odd.py` in a fresh directory and check it with the
/// built-in library, concise format.
fn check(content: &[u8]) -> Run {
    let dir = TempDir::new().expect("temporary directory");
    let path = dir.path().join("app/migrations");
    std::fs::create_dir_all(&path).expect("create migrations");
    std::fs::write(path.join("0002_odd.py"), content).expect("write migration");
    let run = run_in(dir.path(), &["--format", "concise", "app"]);
    assert!(!run.stderr.contains("panicked"), "{run:?}");
    assert!(run.code == 0 || run.code == 1, "{run:?}");
    run
}

fn add_field(line_prefix: &str) -> String {
    format!(
        "{HEAD}{line_prefix}migrations.AddField(\"post\", \"craete_time\", models.DateTimeField()),\n    ]\n"
    )
}

#[test]
fn crlf_line_ends_keep_lines_and_columns() {
    let text = add_field("        ").replace('\n', "\r\n");
    let run = check(text.as_bytes());
    assert_eq!(
        run.lines()[0],
        "app/migrations/0002_odd.py:6:38: error[field-name] `craete_time` should be `create_time`"
    );
}

#[test]
fn utf8_bom_does_not_shift_columns() {
    let mut bytes = b"\xef\xbb\xbf".to_vec();
    bytes.extend(add_field("        ").as_bytes());
    let run = check(&bytes);
    assert_eq!(
        run.lines()[0],
        "app/migrations/0002_odd.py:6:38: error[field-name] `craete_time` should be `create_time`"
    );
}

#[test]
fn tabs_count_as_one_column() {
    let run = check(add_field("\t\t").as_bytes());
    assert_eq!(
        run.lines()[0],
        "app/migrations/0002_odd.py:6:32: error[field-name] `craete_time` should be `create_time`"
    );
}

#[test]
fn gbk_comment_is_read_and_names_still_checked() {
    // "创建时间" in GBK: not UTF-8, as an old Windows editor would save it.
    let mut bytes = b"# \xb4\xb4\xbd\xa8\xca\xb1\xbc\xe4\n".to_vec();
    bytes.extend(add_field("        ").as_bytes());
    let run = check(&bytes);
    assert_eq!(
        run.lines()[0],
        "app/migrations/0002_odd.py:7:38: error[field-name] `craete_time` should be `create_time`"
    );
}

#[test]
fn chinese_text_before_a_name_counts_characters() {
    let text = format!(
        "{HEAD}        migrations.AddField(\"订单\", \"craete_time\", models.DateTimeField(verbose_name=\"创建时间\")),\n    ]\n"
    );
    let run = check(text.as_bytes());
    assert_eq!(
        run.lines()[0],
        "app/migrations/0002_odd.py:6:36: error[field-name] `craete_time` should be `create_time`"
    );
}

#[test]
fn chinese_text_keeps_the_caret_under_the_name() {
    let text = format!(
        "{HEAD}        migrations.AddField(\"订单\", \"craete_time\", models.DateTimeField()),\n    ]\n"
    );
    let dir = TempDir::new().expect("temporary directory");
    let path = dir.path().join("app/migrations");
    std::fs::create_dir_all(&path).expect("create migrations");
    std::fs::write(path.join("0002_odd.py"), text).expect("write migration");
    let run = run_in(dir.path(), &["--color", "never", "app"]);
    // Each Chinese character takes two terminal columns, so the caret moves by two per char.
    assert!(
        run.stdout.contains(
            "6 |         migrations.AddField(\"订单\", \"craete_time\", models.DateTimeField()),\n  |                                      ^^^^^^^^^^^ field of model `订单`, added here\n"
        ),
        "{}",
        run.stdout
    );
}

#[test]
fn empty_file_passes() {
    let run = check(b"");
    assert_eq!(run.code, 0);
    assert_eq!(run.lines(), ["checked 1 migration file: no problems found"]);
}

#[test]
fn ten_megabyte_file_is_checked() {
    let mut text = String::from(HEAD);
    let entry = "        migrations.AddField(\"post\", \"title\", models.CharField(max_length=200, help_text=\"a long help text that pads the file out\")),\n";
    while text.len() < 10 * 1024 * 1024 {
        text.push_str(entry);
    }
    let line = text.lines().count() + 1;
    text.push_str(
        "        migrations.AddField(\"post\", \"craete_time\", models.DateTimeField()),\n    ]\n",
    );
    let run = check(text.as_bytes());
    assert_eq!(
        run.lines()[0],
        format!(
            "app/migrations/0002_odd.py:{line}:38: error[field-name] `craete_time` should be `create_time`"
        )
    );
}

#[test]
fn deeply_nested_brackets_do_not_crash() {
    let depth = 100_000;
    let text = format!(
        "{HEAD}        migrations.AddField(\"post\", \"craete_time\", models.DateTimeField()),\n    ]\nX = {}{}\n",
        "[".repeat(depth),
        "]".repeat(depth)
    );
    let run = check(text.as_bytes());
    assert_eq!(
        run.lines()[0],
        "app/migrations/0002_odd.py:6:38: error[field-name] `craete_time` should be `create_time`"
    );
    let unbalanced = format!("{HEAD}{}\n", "(".repeat(depth));
    let run = check(unbalanced.as_bytes());
    assert_eq!(run.code, 1, "{run:?}");
    assert!(run.stdout.contains("error[syntax-error]"), "{run:?}");
}

#[test]
fn binary_garbage_is_a_syntax_error_not_a_panic() {
    let bytes: Vec<u8> = (0..4096u64)
        .map(|i| (i * 2_654_435_761 % 251) as u8)
        .collect();
    let run = check(&bytes);
    assert!(run.stdout.contains("syntax-error"), "{run:?}");
}

#[cfg(unix)]
#[test]
fn non_utf8_file_name_is_shown_escaped() {
    use std::os::unix::ffi::OsStrExt;
    let dir = TempDir::new().expect("temporary directory");
    let path = dir.path().join("app/migrations");
    std::fs::create_dir_all(&path).expect("create migrations");
    // `0002_café.py` saved in Latin-1.
    let name = std::ffi::OsStr::from_bytes(b"0002_caf\xe9.py");
    std::fs::write(path.join(name), add_field("        ")).expect("write migration");
    let run = run_in(dir.path(), &["--format", "concise", "app"]);
    assert_eq!(
        run.lines()[0],
        "app/migrations/0002_caf\\xE9.py:6:38: error[field-name] `craete_time` should be `create_time`"
    );
}

/// A FIFO named as a path is refused without being opened (opening it would wait for a
/// writer forever), and the other files are still checked; one found under a directory is
/// passed over, as ripgrep and git pass over what is not a regular file when walking.
#[cfg(unix)]
#[test]
fn fifo_is_never_opened() {
    let dir = TempDir::new().expect("temporary directory");
    let migrations = dir.path().join("app/migrations");
    std::fs::create_dir_all(&migrations).expect("create migrations");
    std::fs::write(migrations.join("0001_x.py"), add_field("        ")).expect("write");
    mkfifo(&migrations.join("0002_fifo.py"));
    let home = TempDir::new().expect("temporary home");
    let run_with = |args: &[&str]| {
        let mut cmd = check_migrate(dir.path(), home.path());
        cmd.args(["--format", "concise"]).args(args);
        run_guarded(cmd)
    };

    let run = run_with(&["app/migrations/0001_x.py", "app/migrations/0002_fifo.py"]);
    assert_eq!(run.code, 2, "{run:?}");
    assert_eq!(
        run.stderr.trim_end(),
        "error: app/migrations/0002_fifo.py: not a regular file (a FIFO); not read",
        "{run:?}"
    );
    assert!(
        run.stdout
            .starts_with("app/migrations/0001_x.py:6:38: error[field-name]"),
        "{run:?}"
    );

    let run = run_with(&["app"]);
    assert_eq!(run.code, 1, "{run:?}");
    assert_eq!(run.stderr, "", "{run:?}");
}

/// In `--all`, a tracked migration whose working-tree file is now a FIFO is refused (its
/// content cannot be checked, as `git diff` says "unsupported file type"); an untracked
/// FIFO is passed over, as `git status` does.
#[cfg(unix)]
#[test]
fn fifo_in_the_working_tree_is_refused_in_all() {
    let repo = Repo::new();
    repo.write("app/migrations/0001_x.py", add_field("        "));
    repo.write("app/migrations/0002_y.py", HEAD);
    repo.commit_all("initial");
    let tracked = repo.path().join("app/migrations/0002_y.py");
    std::fs::remove_file(&tracked).expect("remove the tracked file");
    mkfifo(&tracked);
    mkfifo(&repo.path().join("app/migrations/0003_untracked.py"));
    let mut cmd = check_migrate(repo.path(), repo.home());
    cmd.args(["--all", "--format", "concise"]);
    let run = run_guarded(cmd);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(
        run.stderr
            .contains("app/migrations/0002_y.py: not a regular file (a FIFO); not read"),
        "{run:?}"
    );
    assert!(!run.stderr.contains("0003_untracked"), "{run:?}");
    assert!(
        run.stdout
            .starts_with("app/migrations/0001_x.py:6:38: error[field-name]"),
        "{run:?}"
    );
}
