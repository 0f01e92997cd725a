//! The git modes against real repositories: staged (from the index, added lines only),
//! `--all` and `--since`, and the errors outside a usable repository.

use crate::support::{Repo, run_in};

const HEAD: &str = "from django.db import migrations, models\n\n\nclass Migration(migrations.Migration):\n\n    dependencies = []\n\n    operations = [\n";

/// A migration adding `names` to `post`, one AddField per line starting at line 9.
fn migration(names: &[&str]) -> String {
    let mut text = String::from(HEAD);
    for name in names {
        text.push_str(&format!(
            "        migrations.AddField(\"post\", \"{name}\", models.DateTimeField(null=True)),\n"
        ));
    }
    text.push_str("    ]\n");
    text
}

fn finding(path: &str, line: usize, name: &str, wanted: &str) -> String {
    format!("{path}:{line}:38: error[field-name] `{name}` should be `{wanted}`")
}

const M1: &str = "blog/migrations/0001_initial.py";
const M2: &str = "blog/migrations/0002_post_times.py";

fn repo_with_initial() -> Repo {
    let repo = Repo::new();
    repo.write("blog/migrations/__init__.py", "");
    repo.write(M1, migration(&["title"]));
    repo.commit_all("initial");
    repo
}

#[test]
fn staged_content_not_worktree() {
    let repo = repo_with_initial();
    repo.write(M2, migration(&["create_time"]));
    repo.git(&["add", M2]);
    repo.write(M2, migration(&["created_at"]));
    let run = repo.check(&["--format", "concise"]);
    assert_eq!(run.code, 1, "{run:?}");
    assert_eq!(run.lines()[0], finding(M2, 9, "create_time", "created_at"));
    assert!(run.stderr.contains("git commit --no-verify"), "{run:?}");
}

#[test]
fn staged_clean_worktree_broken_passes() {
    let repo = repo_with_initial();
    repo.write(M2, migration(&["created_at"]));
    repo.git(&["add", M2]);
    repo.write(M2, migration(&["create_time"]));
    let run = repo.check(&[]);
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(run.lines(), ["checked 1 migration file: no problems found"]);
}

#[test]
fn first_commit_in_a_new_repository() {
    let repo = Repo::new();
    repo.write(M1, migration(&["title", "update_time"]));
    repo.git(&["add", "-A"]);
    let run = repo.check(&["--format", "concise"]);
    assert_eq!(run.code, 1, "{run:?}");
    assert_eq!(run.lines()[0], finding(M1, 10, "update_time", "updated_at"));
}

#[test]
fn nothing_staged_passes() {
    let repo = repo_with_initial();
    let run = repo.check(&[]);
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(run.stdout, "checked 0 migration files: no problems found\n");
}

#[test]
fn edit_to_old_migration_only_reports_added_lines() {
    let repo = Repo::new();
    repo.write(M1, migration(&["create_time", "title"]));
    repo.commit_all("an old migration that predates the library");
    // Touch another line: the old wrong name is not this commit's doing.
    repo.write(M1, migration(&["create_time", "headline"]));
    repo.git(&["add", M1]);
    let run = repo.check(&[]);
    assert_eq!(run.code, 0, "{run:?}");
    // Add a new wrong name: only that one is reported.
    repo.write(M1, migration(&["create_time", "headline", "update_time"]));
    repo.git(&["add", M1]);
    let run = repo.check(&["--format", "concise"]);
    assert_eq!(run.code, 1, "{run:?}");
    assert_eq!(
        run.lines(),
        [
            finding(M1, 11, "update_time", "updated_at").as_str(),
            "checked 1 migration file: 1 error, 0 warnings"
        ]
    );
}

#[test]
fn renamed_migration_brings_no_new_lines() {
    let repo = Repo::new();
    repo.write(M1, migration(&["create_time"]));
    repo.commit_all("old");
    repo.git(&["mv", M1, "blog/migrations/0001_renamed.py"]);
    let run = repo.check(&[]);
    assert_eq!(run.code, 0, "{run:?}");
}

#[test]
fn deleted_migration_is_skipped() {
    let repo = Repo::new();
    repo.write(M1, migration(&["create_time"]));
    repo.commit_all("old");
    repo.git(&["rm", "-q", M1]);
    let run = repo.check(&[]);
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(run.stdout, "checked 0 migration files: no problems found\n");
}

#[test]
fn files_named_like_migrations_are_not_checked() {
    let repo = repo_with_initial();
    let bad = migration(&["create_time"]);
    for path in [
        "blog/migration/0002_x.py",
        "blog/migrations/sub/0002_x.py",
        "blog/migrations/0002_x.txt",
        "blog/migrations.py",
        "blog/old_migrations/0002_x.py",
        "blog/migrations/__init__.py",
    ] {
        repo.write(path, &bad);
    }
    repo.git(&["add", "-A"]);
    let run = repo.check(&[]);
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(run.stdout, "checked 0 migration files: no problems found\n");
}

#[test]
fn subdirectory_as_working_directory_prints_root_relative_paths() {
    let repo = repo_with_initial();
    repo.write(M2, migration(&["create_time"]));
    repo.git(&["add", M2]);
    let run = repo.check_in("blog/migrations", &["--format", "concise"]);
    assert_eq!(run.code, 1, "{run:?}");
    assert_eq!(run.lines()[0], finding(M2, 9, "create_time", "created_at"));
    // Path mode from the subdirectory also prints paths from the root.
    let run = repo.check_in("blog", &["--format", "concise", "migrations"]);
    assert_eq!(run.lines()[0], finding(M2, 9, "create_time", "created_at"));
}

#[test]
fn symlinked_migration_is_skipped() {
    let repo = repo_with_initial();
    repo.write("elsewhere/bad.py", migration(&["create_time"]));
    std::os::unix::fs::symlink(
        "../../elsewhere/bad.py",
        repo.path().join("blog/migrations/0002_link.py"),
    )
    .expect("symlink");
    repo.git(&["add", "-A"]);
    let run = repo.check(&[]);
    assert_eq!(run.code, 0, "{run:?}");
}

#[test]
fn merge_in_progress_checks_the_staged_result() {
    let repo = repo_with_initial();
    repo.git(&["checkout", "-q", "-b", "feature"]);
    repo.write(M2, migration(&["create_time"]));
    repo.commit_all("feature migration");
    repo.git(&["checkout", "-q", "main"]);
    repo.write("README.md", "main moves on\n");
    repo.commit_all("main work");
    repo.git(&["merge", "--no-ff", "--no-commit", "feature"]);
    let run = repo.check(&["--format", "concise"]);
    assert_eq!(run.code, 1, "{run:?}");
    assert_eq!(run.lines()[0], finding(M2, 9, "create_time", "created_at"));
}

#[test]
fn not_a_repository_is_a_clear_error() {
    let dir = tempfile::TempDir::new().expect("temporary directory");
    let run = run_in(dir.path(), &[]);
    assert_eq!(run.code, 2, "{run:?}");
    assert_eq!(
        run.stderr,
        "error: not a git repository (or any parent up to the filesystem root); checking staged files needs one\n"
    );
    let run = run_in(dir.path(), &["--all"]);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(run.stderr.contains("--all needs one"), "{run:?}");
}

#[test]
fn bare_repository_is_a_clear_error() {
    let repo = repo_with_initial();
    let bare = tempfile::TempDir::new().expect("temporary directory");
    let bare_path = bare.path().join("bare.git");
    repo.git(&[
        "clone",
        "-q",
        "--bare",
        ".",
        bare_path.to_str().expect("utf-8 path"),
    ]);
    let run = run_in(&bare_path, &[]);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(
        run.stderr
            .contains("is a bare repository: checking staged files needs a working tree"),
        "{run:?}"
    );
}

#[test]
fn all_checks_tracked_and_untracked_but_not_ignored() {
    let repo = Repo::new();
    repo.write(M1, migration(&["create_time"]));
    repo.write(".gitignore", "build/\n");
    repo.commit_all("tracked");
    repo.write(
        "shop/migrations/0001_initial.py",
        migration(&["update_time"]),
    );
    repo.write(
        "build/lib/shop/migrations/0001_initial.py",
        migration(&["update_time"]),
    );
    repo.write(M1, migration(&["title", "create_time"]));
    let run = repo.check(&["--all", "--format", "concise"]);
    assert_eq!(run.code, 1, "{run:?}");
    assert_eq!(
        run.lines(),
        [
            finding(M1, 10, "create_time", "created_at").as_str(),
            finding(
                "shop/migrations/0001_initial.py",
                9,
                "update_time",
                "updated_at"
            )
            .as_str(),
            "checked 2 migration files: 2 errors, 0 warnings",
        ]
    );
}

#[test]
fn since_reports_what_head_adds_since_the_merge_base() {
    let repo = Repo::new();
    repo.write(M1, migration(&["create_time"]));
    repo.commit_all("old, with an old wrong name");
    repo.git(&["checkout", "-q", "-b", "feature"]);
    repo.write(M2, migration(&["title", "update_time"]));
    repo.commit_all("feature");
    repo.write(M1, migration(&["create_time", "headline"]));
    repo.commit_all("feature touches the old one");
    let run = repo.check(&["--since", "main", "--format", "concise"]);
    assert_eq!(run.code, 1, "{run:?}");
    assert_eq!(
        run.lines(),
        [
            finding(M2, 10, "update_time", "updated_at").as_str(),
            "checked 2 migration files: 1 error, 0 warnings",
        ]
    );
    // The working tree does not matter: content comes from HEAD.
    repo.write(M2, migration(&["title"]));
    assert_eq!(repo.check(&["--since", "main"]).code, 1);
}

#[test]
fn since_an_unknown_revision_is_exit_2() {
    let repo = repo_with_initial();
    let run = repo.check(&["--since", "no-such-branch"]);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(
        run.stderr
            .starts_with("error: unknown revision `no-such-branch`"),
        "{run:?}"
    );
}

#[test]
fn timings_name_every_phase_of_staged_mode() {
    let repo = repo_with_initial();
    repo.write(M2, migration(&["created_at"]));
    repo.git(&["add", M2]);
    let run = repo.check(&["--timings"]);
    assert_eq!(run.code, 0, "{run:?}");
    for phase in [
        "find config",
        "load library",
        "open repository",
        "read HEAD",
        "read index",
        "diff HEAD..index",
        "added lines",
        "check files",
        "render",
        "read files",
        "parse",
        "check",
        "total",
    ] {
        assert!(
            run.stderr.contains(&format!("\n  {phase} ")),
            "{phase}: {}",
            run.stderr
        );
    }
}
