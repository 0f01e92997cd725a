//! Path mode over the fixture project: every migration shape the old script missed, and the
//! shapes that must not be reported, with exact positions.

use std::path::Path;

use tempfile::TempDir;

use crate::support::{fixtures, run_in};

/// A copy of the fixture project outside any git repository, so paths print as given.
fn project() -> TempDir {
    let dir = TempDir::new().expect("temporary directory");
    copy_dir(&fixtures().join("project"), dir.path());
    std::fs::copy(
        fixtures().join("library.csv"),
        dir.path().join("library.csv"),
    )
    .expect("copy library");
    dir
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create directory");
    for entry in std::fs::read_dir(from).expect("read fixture directory") {
        let entry = entry.expect("fixture entry");
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy fixture");
        }
    }
}

const EXPECTED_NAMES: &[&str] = &[
    "blog/migrations/0001_initial.py:23:19: error[field-name] `craete_time` should be `create_time`",
    "blog/migrations/0001_initial.py:25:19: error[field-name] `udpate_time` should be `update_time`",
    "blog/migrations/0002_post_positional.py:11:38: error[field-name] `is_delted` should be `is_deleted`",
    "blog/migrations/0002_post_positional.py:12:54: error[field-name] `creator` should be `created_by`",
    "blog/migrations/0002_post_positional.py:16:59: error[db-column] column `desc` should be `description`",
    "blog/migrations/0003_comment_black.py:27:22: error[field-name] `craete_time` should be `create_time`",
    "blog/migrations/0004_separate_state.py:15:27: error[field-name] `updata_time` should be `update_time`",
    "blog/migrations/0004_separate_state.py:26:104: error[db-column] column `is_delted` should be `is_deleted`",
    "blog/migrations/0005_rename_and_data.py:23:55: error[field-name] `desc` should be `description`",
    "blog/migrations/0005_rename_and_data.py:26:19: warning[altered-field-name] `udpate_time` should be `update_time`",
    "blog/migrations/0006_literal_forms.py:13:39: error[field-name] `udpate_time` should be `update_time`",
    "blog/migrations/0006_literal_forms.py:14:39: error[field-name] `creator` should be `created_by`",
    "blog/migrations/0006_literal_forms.py:15:40: error[field-name] `is_delted` should be `is_deleted`",
    "shop/migrations/0001_initial.py:16:64: error[field-name] `craete_time` should be `create_time`",
    "shop/migrations/0001_initial.py:20:78: error[field-name] `is_delted` should be `is_deleted`",
    "shop/migrations/0002_broken.py:9:39: error[field-name] `udpate_time` should be `update_time`",
];

#[test]
fn fixture_project_findings_are_exact() {
    let dir = project();
    let run = run_in(
        dir.path(),
        &[
            "--library",
            "library.csv",
            "--format",
            "concise",
            "--color",
            "never",
            ".",
        ],
    );
    assert_eq!(run.code, 1, "{run:?}");
    let lines = run.lines();
    let (summary, findings) = lines.split_last().expect("a summary line");
    let names: Vec<&str> = findings
        .iter()
        .copied()
        .filter(|l| !l.contains("[syntax-error]"))
        .collect();
    assert_eq!(names, EXPECTED_NAMES);
    let syntax: Vec<&str> = findings
        .iter()
        .copied()
        .filter(|l| l.contains("[syntax-error]"))
        .collect();
    assert_eq!(syntax.len(), 1, "{syntax:?}");
    assert!(
        syntax[0].starts_with("shop/migrations/0002_broken.py:10:"),
        "{syntax:?}"
    );
    assert_eq!(*summary, "checked 8 migration files: 16 errors, 1 warning");
}

#[test]
fn full_format_is_rustc_style() {
    let dir = project();
    let run = run_in(
        dir.path(),
        &[
            "--library",
            "library.csv",
            "--color",
            "never",
            "blog/migrations/0003_comment_black.py",
        ],
    );
    assert_eq!(run.code, 1, "{run:?}");
    let expected = "\
error[field-name]: `craete_time` should be `create_time`
  --> blog/migrations/0003_comment_black.py:27:22
   |
27 |                     \"craete_time\",  # set once
   |                      ^^^^^^^^^^^ field of model `Comment`, created here
   |
   = help: `create_time`: 创建时间. Rename the model field and regenerate the migration.

checked 1 migration file: 1 error, 0 warnings
";
    assert_eq!(run.stdout, expected);
}

#[test]
fn ambiguous_library_entry_shows_every_suggestion() {
    let dir = project();
    std::fs::write(
        dir.path().join("shop/migrations/0003_start.py"),
        "from django.db import migrations, models\n\n\nclass Migration(migrations.Migration):\n    operations = [\n        migrations.AddField(\"order\", \"start_time\", models.DateTimeField(null=True)),\n    ]\n",
    )
    .expect("write migration");
    let run = run_in(
        dir.path(),
        &[
            "--library",
            "library.csv",
            "--color",
            "never",
            "shop/migrations/0003_start.py",
        ],
    );
    assert_eq!(run.code, 1, "{run:?}");
    assert!(
        run.stdout
            .contains("error[field-name]: `start_time` should be `begin_at` or `started_at`\n"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("  = help: `begin_at`: 开始时间\n"));
    assert!(run.stdout.contains("  = help: `started_at`: 启动时间\n"));
    assert!(run.stdout.contains(
        "  = note: the field library lists `start_time` under 2 correct names; pick the one that fits."
    ));
    assert!(
        run.stderr.contains("the field library has"),
        "{}",
        run.stderr
    );
}

#[test]
fn warnings_alone_exit_zero() {
    let dir = project();
    std::fs::write(
        dir.path().join("shop/migrations/0003_alter.py"),
        "from django.db import migrations, models\n\n\nclass Migration(migrations.Migration):\n    operations = [\n        migrations.AlterField(\"order\", \"udpate_time\", models.DateTimeField(null=True)),\n    ]\n",
    )
    .expect("write migration");
    let run = run_in(
        dir.path(),
        &[
            "--library",
            "library.csv",
            "--format",
            "concise",
            "shop/migrations/0003_alter.py",
        ],
    );
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(
        run.lines(),
        [
            "shop/migrations/0003_alter.py:6:41: warning[altered-field-name] `udpate_time` should be `update_time`",
            "checked 1 migration file: 0 errors, 1 warning",
        ]
    );
}

#[test]
fn clean_migrations_exit_zero() {
    let dir = project();
    let run = run_in(
        dir.path(),
        &[
            "--library",
            "library.csv",
            "shop/migrations/__init__.py",
            "blog/templates/not_migrations.py",
        ],
    );
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(run.stdout, "checked 0 migration files: no problems found\n");
    // A model file named is checked with the same rules.
    let run = run_in(dir.path(), &["--library", "library.csv", "shop/models.py"]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(
        run.stdout
            .contains("checked 0 migration files and 1 model file: 1 error, 0 warnings"),
        "{run:?}"
    );
    let run = run_in(
        dir.path(),
        &[
            "--library",
            "library.csv",
            "blog/migrations/0005_rename_and_data.py",
        ],
    );
    assert_eq!(
        run.code, 1,
        "one RenameField to `desc` is an error: {run:?}"
    );
}

#[test]
fn missing_path_is_exit_2_and_other_paths_are_still_checked() {
    let dir = project();
    let run = run_in(
        dir.path(),
        &[
            "--library",
            "library.csv",
            "--format",
            "concise",
            "no/such/migrations/0001.py",
            "blog/migrations/0003_comment_black.py",
        ],
    );
    assert_eq!(run.code, 2, "{run:?}");
    assert!(
        run.stdout.contains("0003_comment_black.py:27:22"),
        "{run:?}"
    );
    assert!(
        run.stderr
            .contains("error: no/such/migrations/0001.py: no such file or directory"),
        "{}",
        run.stderr
    );
}

#[test]
fn builtin_library_is_used_without_flags() {
    let dir = project();
    let run = run_in(
        dir.path(),
        &["--format", "concise", "blog/migrations/0001_initial.py"],
    );
    assert_eq!(run.code, 1, "{run:?}");
    assert!(
        run.stdout.contains(
            "blog/migrations/0001_initial.py:23:19: error[field-name] `craete_time` should be `create_time`"
        ),
        "{}",
        run.stdout
    );
    assert_eq!(run.stderr, "", "the built-in library has no problems");
}

#[test]
fn color_follows_flag_and_environment() {
    let dir = project();
    let file = "blog/migrations/0003_comment_black.py";
    let args = ["--library", "library.csv", file];
    let plain = run_in(dir.path(), &args);
    assert!(!plain.stdout.contains('\x1b'), "not a terminal: no colour");
    let forced = run_in(
        dir.path(),
        &["--color", "always", "--library", "library.csv", file],
    );
    assert!(
        forced.stdout.contains("\x1b[31;1merror[field-name]"),
        "{}",
        forced.stdout
    );

    let home = TempDir::new().expect("home");
    let with_env = |var: &str, value: &str, extra: &[&str]| {
        let out = crate::support::check_migrate(dir.path(), home.path())
            .env(var, value)
            .args(extra)
            .args(args)
            .output()
            .expect("run");
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    assert!(with_env("CLICOLOR_FORCE", "1", &[]).contains('\x1b'));
    assert!(!with_env("CLICOLOR_FORCE", "0", &[]).contains('\x1b'));
    assert!(!with_env("NO_COLOR", "1", &["--color", "auto"]).contains('\x1b'));
    assert!(with_env("NO_COLOR", "1", &["--color", "always"]).contains('\x1b'));
}

/// Skipping the tree walk of files a literal search rules out must not change any result:
/// the fast path and the full one give the same output on every fixture and library, in path
/// mode and with `--all` (which also reports unused suppressions).
#[test]
fn prefilter_preserves_results() {
    let repo = crate::support::Repo::new();
    copy_dir(&fixtures().join("project"), repo.path());
    std::fs::copy(
        fixtures().join("library.csv"),
        repo.path().join("library.csv"),
    )
    .expect("copy library");
    repo.write(
        "shop/migrations/0003_suppressed.py",
        "from django.db import migrations, models\n\n\nclass Migration(migrations.Migration):\n    operations = [\n        migrations.AddField(\"order\", \"craete_time\", models.DateTimeField()),  # check-migrate: ignore\n        migrations.AddField(\"order\", \"title\", models.CharField()),  # check-migrate: ignore[nope]\n        migrations.AddField(\"order\", \"paid_at\", models.DateTimeField()),  # check-migrate: ignore\n    ]\n",
    );
    repo.commit_all("fixtures");
    for library in [&["--library", "library.csv"][..], &[]] {
        for extra in [&["--all"][..], &["."]] {
            let mut args = vec!["--format", "concise", "--no-config"];
            args.extend_from_slice(library);
            args.extend_from_slice(extra);
            let fast = repo.check(&args);
            assert!(fast.stdout.contains("0002_broken.py:10:"), "{fast:?}");
            args.extend(["--no-prefilter", "--timings"]);
            let full = repo.check(&args);
            assert_eq!(fast.stdout, full.stdout, "{args:?}");
            assert_eq!(fast.code, full.code, "{args:?}");
            // The full side walked every file's syntax tree.
            let walked = full
                .stderr
                .lines()
                .find_map(|line| line.trim().strip_prefix("syntax trees walked"))
                .map(|rest| rest.split_whitespace().collect::<Vec<_>>());
            match walked.as_deref() {
                Some([walked, "of", files, "files"]) => assert_eq!(walked, files, "{args:?}"),
                other => panic!("no count of walked trees: {other:?} {}", full.stderr),
            }
        }
    }
}
