//! The git modes against real repositories: staged (from the index, added lines only),
//! `--all` and `--since`, and the errors outside a usable repository.

use crate::support::{M1, M2, Repo, finding, migration, run_in, second};

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
    repo.write(M2, second(&["craete_time"]));
    repo.git(&["add", M2]);
    repo.write(M2, second(&["create_time"]));
    let run = repo.check(&["--format", "concise"]);
    assert_eq!(run.code, 1, "{run:?}");
    assert_eq!(run.lines()[0], finding(M2, 9, "craete_time", "create_time"));
    assert!(run.stderr.contains("git commit --no-verify"), "{run:?}");
}

#[test]
fn staged_clean_worktree_broken_passes() {
    let repo = repo_with_initial();
    repo.write(M2, second(&["create_time"]));
    repo.git(&["add", M2]);
    repo.write(M2, second(&["craete_time"]));
    let run = repo.check(&[]);
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(run.lines(), ["checked 1 migration file: no problems found"]);
}

#[test]
fn first_commit_in_a_new_repository() {
    let repo = Repo::new();
    repo.write(M1, migration(&["title", "udpate_time"]));
    repo.git(&["add", "-A"]);
    let run = repo.check(&["--format", "concise"]);
    assert_eq!(run.code, 1, "{run:?}");
    assert_eq!(
        run.lines()[0],
        finding(M1, 10, "udpate_time", "update_time")
    );
}

#[test]
fn nothing_staged_passes() {
    let repo = repo_with_initial();
    let run = repo.check(&[]);
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(run.stdout, "", "a commit without migrations prints nothing");
}

#[test]
fn edit_to_old_migration_only_reports_added_lines() {
    let repo = Repo::new();
    repo.write(M1, migration(&["craete_time", "title"]));
    repo.commit_all("an old migration that predates the library");
    // Touch another line: the old wrong name is not this commit's doing.
    repo.write(M1, migration(&["craete_time", "headline"]));
    repo.git(&["add", M1]);
    let run = repo.check(&[]);
    assert_eq!(run.code, 0, "{run:?}");
    // Add a new wrong name: only that one is reported.
    repo.write(M1, migration(&["craete_time", "headline", "udpate_time"]));
    repo.git(&["add", M1]);
    let run = repo.check(&["--format", "concise"]);
    assert_eq!(run.code, 1, "{run:?}");
    assert_eq!(
        run.lines(),
        [
            finding(M1, 11, "udpate_time", "update_time").as_str(),
            "checked 1 migration file: 1 error, 0 warnings"
        ]
    );
}

#[test]
fn renamed_migration_brings_no_new_lines() {
    let repo = Repo::new();
    repo.write(M1, migration(&["craete_time"]));
    repo.commit_all("old");
    repo.git(&["mv", M1, "blog/migrations/0001_renamed.py"]);
    let run = repo.check(&[]);
    assert_eq!(run.code, 0, "{run:?}");
}

#[test]
fn deleted_migration_is_skipped() {
    let repo = Repo::new();
    repo.write(M1, migration(&["craete_time"]));
    repo.commit_all("old");
    repo.git(&["rm", "-q", M1]);
    let run = repo.check(&[]);
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(run.stdout, "", "a commit without migrations prints nothing");
}

#[test]
fn files_named_like_migrations_are_not_checked() {
    let repo = repo_with_initial();
    let bad = migration(&["craete_time"]);
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
    assert_eq!(run.stdout, "", "a commit without migrations prints nothing");
}

#[test]
fn subdirectory_as_working_directory_prints_root_relative_paths() {
    let repo = repo_with_initial();
    repo.write(M2, second(&["craete_time"]));
    repo.git(&["add", M2]);
    let run = repo.check_in("blog/migrations", &["--format", "concise"]);
    assert_eq!(run.code, 1, "{run:?}");
    assert_eq!(run.lines()[0], finding(M2, 9, "craete_time", "create_time"));
    // Path mode from the subdirectory also prints paths from the root.
    let run = repo.check_in("blog", &["--format", "concise", "migrations"]);
    assert_eq!(run.lines()[0], finding(M2, 9, "craete_time", "create_time"));
}

#[test]
fn symlinked_migration_is_skipped() {
    let repo = repo_with_initial();
    repo.write("elsewhere/bad.py", migration(&["craete_time"]));
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
fn merge_in_progress_reports_only_what_the_merge_adds() {
    let repo = repo_with_initial();
    repo.git(&["checkout", "-q", "-b", "feature"]);
    repo.write(M2, second(&["craete_time"]));
    repo.commit_all("feature migration, committed without the hook");
    repo.git(&["checkout", "-q", "main"]);
    repo.write("README.md", "main moves on\n");
    repo.commit_all("main work");
    repo.git(&["merge", "--no-ff", "--no-commit", "feature"]);
    // The staged merge result is read; lines the merged branch brings are its own commits'.
    let run = repo.check(&["--format", "concise"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(run.lines(), ["checked 1 migration file: no problems found"]);
    // A line the merge itself adds (while resolving it, say) is this commit's doing.
    repo.write(M2, second(&["craete_time", "udpate_time"]));
    repo.git(&["add", M2]);
    let run = repo.check(&["--format", "concise"]);
    assert_eq!(run.code, 1, "{run:?}");
    assert_eq!(
        run.lines(),
        [
            finding(M2, 10, "udpate_time", "update_time").as_str(),
            "checked 1 migration file: 1 error, 0 warnings"
        ]
    );
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
    repo.write(M1, migration(&["craete_time"]));
    repo.write(".gitignore", "build/\n");
    repo.commit_all("tracked");
    repo.write(
        "shop/migrations/0001_initial.py",
        migration(&["udpate_time"]),
    );
    repo.write(
        "build/lib/shop/migrations/0001_initial.py",
        migration(&["udpate_time"]),
    );
    repo.write(M1, migration(&["title", "craete_time"]));
    let run = repo.check(&["--all", "--format", "concise"]);
    assert_eq!(run.code, 1, "{run:?}");
    assert_eq!(
        run.lines(),
        [
            finding(M1, 10, "craete_time", "create_time").as_str(),
            finding(
                "shop/migrations/0001_initial.py",
                9,
                "udpate_time",
                "update_time"
            )
            .as_str(),
            "checked 2 migration files: 2 errors, 0 warnings",
        ]
    );
}

#[test]
fn since_reports_what_head_adds_since_the_merge_base() {
    let repo = Repo::new();
    repo.write(M1, migration(&["craete_time"]));
    repo.commit_all("old, with an old wrong name");
    repo.git(&["checkout", "-q", "-b", "feature"]);
    repo.write(M2, second(&["title", "udpate_time"]));
    repo.commit_all("feature");
    repo.write(M1, migration(&["craete_time", "headline"]));
    repo.commit_all("feature touches the old one");
    let run = repo.check(&["--since", "main", "--format", "concise"]);
    assert_eq!(run.code, 1, "{run:?}");
    assert_eq!(
        run.lines(),
        [
            finding(M2, 10, "udpate_time", "update_time").as_str(),
            "checked 2 migration files: 1 error, 0 warnings",
        ]
    );
    // The working tree does not matter: content comes from HEAD.
    repo.write(M2, second(&["title"]));
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
    repo.write(M2, second(&["create_time"]));
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

#[test]
fn git_dir_and_work_tree_from_the_environment_are_honoured() {
    let repo = repo_with_initial();
    repo.write(M2, second(&["craete_time"]));
    repo.git(&["add", M2]);
    let elsewhere = tempfile::TempDir::new().expect("temporary directory");
    let out = crate::support::check_migrate(elsewhere.path(), repo.home())
        .env("GIT_DIR", repo.path().join(".git"))
        .env("GIT_WORK_TREE", repo.path())
        .args(["--format", "concise"])
        .output()
        .expect("run check-migrate");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.starts_with(&finding(M2, 9, "craete_time", "create_time")),
        "{stdout}"
    );
}

#[test]
fn git_ceiling_directories_stop_the_search() {
    let repo = repo_with_initial();
    let out = crate::support::check_migrate(&repo.path().join("blog/migrations"), repo.home())
        .env("GIT_CEILING_DIRECTORIES", repo.path().join("blog"))
        .output()
        .expect("run check-migrate");
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).starts_with("error: not a git repository"),
        "{out:?}"
    );
}

#[test]
fn index_file_from_the_environment_is_read() {
    let repo = repo_with_initial();
    // Stage into a separate index, as `git commit -a` does; the default index stays clean.
    let index = repo.path().join(".git/other-index");
    std::fs::copy(repo.path().join(".git/index"), &index).expect("copy index");
    repo.write(M2, second(&["craete_time"]));
    let mut add = repo.git_cmd(&["add", M2]);
    assert!(
        add.env("GIT_INDEX_FILE", &index)
            .status()
            .expect("git add")
            .success()
    );
    assert_eq!(
        repo.check(&[]).code,
        0,
        "the default index has nothing staged"
    );
    let out = crate::support::check_migrate(repo.path(), repo.home())
        .env("GIT_INDEX_FILE", &index)
        .output()
        .expect("run check-migrate");
    assert_eq!(out.status.code(), Some(1), "{out:?}");
}

#[test]
fn cherry_pick_in_progress_checks_what_it_stages() {
    let repo = repo_with_initial();
    repo.git(&["checkout", "-q", "-b", "feature"]);
    repo.write(M2, second(&["craete_time"]));
    repo.commit_all("feature migration");
    repo.git(&["checkout", "-q", "main"]);
    repo.git(&["cherry-pick", "--no-commit", "feature"]);
    let run = repo.check(&["--format", "concise"]);
    assert_eq!(run.code, 1, "{run:?}");
    assert_eq!(run.lines()[0], finding(M2, 9, "craete_time", "create_time"));
}

/// The staged mode's own index reader and cache-tree comparison must give what libgit2's
/// reader and tree-to-index diff give, in every shape of change; `--no-prefilter` takes the
/// libgit2 path.
#[test]
fn fast_index_comparison_matches_libgit2() {
    type Step = fn(&Repo);
    let scenarios: Vec<(&str, Step, bool)> = vec![
        (
            "add and modify",
            |r| {
                r.write(M1, migration(&["title", "craete_time"]));
                r.write(M2, second(&["udpate_time"]));
                r.write("shop/migrations/0001_initial.py", migration(&["is_delted"]));
                r.git(&["add", "-A"]);
            },
            true,
        ),
        (
            "delete",
            |r| {
                r.git(&["rm", "-q", M1]);
            },
            true,
        ),
        (
            "exact rename",
            |r| {
                r.git(&["mv", M1, "blog/migrations/0001_renamed.py"]);
            },
            true,
        ),
        (
            "rename with an edit",
            |r| {
                r.git(&["mv", M1, "blog/migrations/0001_renamed.py"]);
                r.write(
                    "blog/migrations/0001_renamed.py",
                    migration(&["title", "creator", "craete_time"]),
                );
                r.git(&["add", "-A"]);
            },
            false,
        ),
        (
            "mode change",
            |r| {
                r.git(&["update-index", "--chmod=+x", M1]);
            },
            true,
        ),
        (
            "directory replaces a file",
            |r| {
                r.git(&["rm", "-q", "blog/models.py"]);
                r.write(
                    "blog/models.py/migrations/0001_initial.py",
                    migration(&["craete_time"]),
                );
                r.git(&["add", "-A"]);
            },
            true,
        ),
        (
            "whole app deleted and another added",
            |r| {
                r.git(&["rm", "-q", "-r", "blog"]);
                r.write(
                    "deep/a/b/c/migrations/0001_initial.py",
                    migration(&["craete_time"]),
                );
                r.git(&["add", "-A"]);
            },
            false,
        ),
        (
            "intent to add",
            |r| {
                r.write(M2, second(&["craete_time"]));
                r.git(&["add", "-N", M2]);
            },
            true,
        ),
        (
            "index version 4",
            |r| {
                r.write(M2, second(&["craete_time"]));
                r.git(&["add", M2]);
                r.git(&["update-index", "--index-version", "4"]);
            },
            true,
        ),
    ];
    for (name, step, fast_expected) in scenarios {
        let repo = Repo::new();
        repo.write("blog/models.py", "from django.db import models\n");
        repo.write("blog/migrations/__init__.py", "");
        repo.write(M1, migration(&["title", "craete_time"]));
        repo.write("docs/readme.md", "docs\n");
        repo.commit_all("initial");
        step(&repo);
        let fast = repo.check(&["--format", "concise", "--timings"]);
        let full = repo.check(&["--format", "concise", "--no-prefilter", "--timings"]);
        assert_eq!(fast.stdout, full.stdout, "{name}");
        // The full side really took the full path: libgit2's reader and diff.
        assert!(
            full.stderr.contains("read index (libgit2)")
                && full.stderr.contains("diff HEAD..index (libgit2)"),
            "{name}: {}",
            full.stderr
        );
        assert_eq!(fast.code, full.code, "{name}: {fast:?}");
        assert_eq!(
            !fast.stderr.contains("(libgit2)"),
            fast_expected,
            "{name}: {}",
            fast.stderr
        );
    }
}

#[test]
fn split_index_is_read_by_both_paths() {
    let repo = repo_with_initial();
    repo.write(M2, second(&["craete_time"]));
    repo.git(&["add", M2]);
    repo.git(&["update-index", "--split-index"]);
    let fast = repo.check(&["--format", "concise"]);
    assert_eq!(fast.code, 1, "{fast:?}");
    // libgit2 cannot read it: the full path diffs the entries our reader read.
    let full = repo.check(&["--format", "concise", "--no-prefilter"]);
    assert_eq!(fast.stdout, full.stdout);
    assert_eq!(full.code, 1, "{full:?}");
}

/// `--all` lists untracked migrations with its own walk; it must find what libgit2's status
/// finds (the `--no-prefilter` path), ignore rules and nested repositories included.
#[test]
fn untracked_walk_matches_libgit2_status() {
    let repo = repo_with_initial();
    let bad = migration(&["craete_time"]);
    repo.write(".gitignore", "build/\n*.generated.py\n");
    repo.write("shop/migrations/0001_initial.py", &bad);
    repo.write(".hidden/app/migrations/0001_initial.py", &bad);
    repo.write("build/app/migrations/0001_initial.py", &bad);
    repo.write("shop/migrations/0002_x.generated.py", &bad);
    repo.write("local/app/migrations/0001_initial.py", &bad);
    std::fs::create_dir_all(repo.path().join(".git/info")).expect("info directory");
    std::fs::write(repo.path().join(".git/info/exclude"), "local/\n").expect("exclude");
    repo.write("vendor/lib/app/migrations/0001_initial.py", &bad);
    let nested = repo
        .git_cmd(&["init", "-q", "vendor/lib"])
        .status()
        .expect("git init");
    assert!(nested.success());
    let fast = repo.check(&["--all", "--format", "concise"]);
    let full = repo.check(&[
        "--all",
        "--format",
        "concise",
        "--no-prefilter",
        "--timings",
    ]);
    assert_eq!(fast.stdout, full.stdout);
    assert!(
        full.stderr.contains("list untracked (libgit2)"),
        "the full side used libgit2's status: {}",
        full.stderr
    );
    let files: Vec<&str> = fast
        .lines()
        .iter()
        .filter_map(|line| line.split(':').next())
        .collect();
    assert_eq!(
        files,
        [
            ".hidden/app/migrations/0001_initial.py",
            "shop/migrations/0001_initial.py",
            "checked 3 migration files"
        ]
    );
}

/// A path that was not a migration before the change is new as a whole: a draft renamed
/// into a migration, or a folder of old migrations moved where the pattern sees them.
#[test]
fn file_renamed_into_a_migration_is_new_as_a_whole() {
    for (from, to) in [
        (
            "blog/migrations/_draft.py",
            "blog/migrations/0002_post_times.py",
        ),
        (
            "old_migrations/0002_post_times.py",
            "blog/migrations/0002_post_times.py",
        ),
    ] {
        let repo = repo_with_initial();
        repo.write(from, second(&["craete_time"]));
        repo.commit_all("draft");
        repo.git(&["mv", from, to]);
        for args in [
            &["--format", "concise"][..],
            &["--format", "concise", "--no-prefilter"],
        ] {
            let run = repo.check(args);
            assert_eq!(run.code, 1, "{from} -> {to} {args:?}: {run:?}");
            assert!(
                run.stdout.contains("`craete_time` should be `create_time`"),
                "{run:?}"
            );
        }
        repo.commit_all("moved");
        let run = repo.check(&["--since", "HEAD~1", "--format", "concise"]);
        assert_eq!(run.code, 1, "--since, {from} -> {to}: {run:?}");
    }
}

/// Editing `AlterField(` into `AddField(` makes a name the file had on an unchanged line a
/// name the change introduces: the operation's call is the change's.
#[test]
fn operation_whose_call_changes_counts_as_added() {
    let repo = repo_with_initial();
    let altered = "from django.db import migrations, models\n\n\nclass Migration(migrations.Migration):\n\n    dependencies = [(\"blog\", \"0001_initial\")]\n\n    operations = [\n        migrations.AlterField(\n            \"post\",\n            \"craete_time\",\n            models.DateTimeField(null=True),\n        ),\n    ]\n";
    repo.write(M2, altered);
    repo.commit_all("altered");
    repo.write(
        M2,
        altered.replace("migrations.AlterField(", "migrations.AddField("),
    );
    repo.git(&["add", M2]);
    let run = repo.check(&["--format", "concise"]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(
        run.stdout.contains(&format!(
            "{M2}:11:14: error[field-name] `craete_time` should be `create_time`"
        )),
        "{run:?}"
    );
}

/// A lone carriage return ends a comment for Python, so what follows it is code: an
/// `AddField` after `# note\r` is checked.
#[test]
fn operation_after_a_lone_carriage_return_is_checked() {
    let repo = repo_with_initial();
    repo.write(
        M2,
        "from django.db import migrations, models\n\n\nclass Migration(migrations.Migration):\n    dependencies = [(\"blog\", \"0001_initial\")]\n    operations = [  # note\r        migrations.AddField(\"post\", \"craete_time\", models.DateTimeField()),\n    ]\n",
    );
    repo.git(&["add", M2]);
    let run = repo.check(&["--format", "concise"]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(
        run.stdout.contains("`craete_time` should be `create_time`"),
        "{run:?}"
    );
}

/// A migration that kept an `AddField` inside a string, as teams park a draft.
const PARKED: &str = "from django.db import migrations, models\n\n\nclass Migration(migrations.Migration):\n\n    dependencies = [(\"blog\", \"0001_initial\")]\n\n    operations = [\n        migrations.AddField(\"post\", \"title\", models.CharField(max_length=200)),\n        \"\"\"\n        migrations.AddField(\"post\", \"craete_time\", models.DateTimeField()),\n        \"\"\",\n    ]\n";

/// Deleting the `"""` lines around an `AddField` makes its name live while the name's own
/// line is unchanged: the change brings it, in staged mode and in `--since`.
#[test]
fn operation_freed_from_a_string_counts_as_added() {
    let repo = repo_with_initial();
    repo.write(M2, PARKED);
    repo.commit_all("parked");
    let freed = PARKED
        .replace("        \"\"\"\n", "")
        .replace("        \"\"\",\n", "");
    assert!(!freed.contains("\"\"\""));
    repo.write(M2, &freed);
    repo.git(&["add", M2]);
    let run = repo.check(&["--format", "concise"]);
    assert_eq!(run.code, 1, "{run:?}");
    assert_eq!(
        run.lines()[0],
        finding(M2, 10, "craete_time", "create_time")
    );
    repo.commit_all("freed");
    let run = repo.check(&["--since", "HEAD~1", "--format", "concise"]);
    assert_eq!(run.code, 1, "--since: {run:?}");
    assert_eq!(
        run.lines()[0],
        finding(M2, 10, "craete_time", "create_time")
    );
}

/// Moving an operation to another model on the `model_name` line gives the model a name it
/// did not have, though the name's line is unchanged.
#[test]
fn name_moved_to_another_model_counts_as_added() {
    let repo = repo_with_initial();
    let on_post = "from django.db import migrations, models\n\n\nclass Migration(migrations.Migration):\n\n    dependencies = [(\"blog\", \"0001_initial\")]\n\n    operations = [\n        migrations.AddField(\n            model_name=\"post\",\n            name=\"craete_time\",\n            field=models.DateTimeField(),\n        ),\n    ]\n";
    repo.write(M2, on_post);
    repo.commit_all("on post");
    repo.write(M2, on_post.replace("\"post\"", "\"comment\""));
    repo.git(&["add", M2]);
    let run = repo.check(&["--format", "concise"]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(
        run.stdout
            .contains(&format!("{M2}:11:19: error[field-name]")),
        "{run:?}"
    );
}

/// The other side: an edit that leaves an accepted name where it was, live in the same
/// operation of the same model, brings nothing, whatever else the change does to the file.
#[test]
fn edit_elsewhere_keeps_an_accepted_name_quiet() {
    let repo = repo_with_initial();
    let freed = PARKED
        .replace("        \"\"\"\n", "")
        .replace("        \"\"\",\n", "");
    repo.write(M2, &freed);
    repo.commit_all("accepted long ago");
    let edited = freed.replace("max_length=200", "max_length=250").replace(
        "    operations = [\n",
        "    # Widened the title.\n    operations = [\n",
    );
    repo.write(M2, &edited);
    repo.git(&["add", M2]);
    let run = repo.check(&["--format", "concise"]);
    assert_eq!(run.code, 0, "{run:?}");
    repo.commit_all("edited");
    let run = repo.check(&["--since", "HEAD~1", "--format", "concise"]);
    assert_eq!(run.code, 0, "--since: {run:?}");
    // Model names compare as Django compares them: without case.
    let spread = "from django.db import migrations, models\n\n\nclass Migration(migrations.Migration):\n\n    dependencies = [(\"blog\", \"0001_initial\")]\n\n    operations = [\n        migrations.AddField(\n            model_name=\"post\",\n            name=\"craete_time\",\n            field=models.DateTimeField(),\n        ),\n    ]\n";
    repo.write(M2, spread);
    repo.commit_all("spread");
    repo.write(M2, spread.replace("\"post\"", "\"Post\""));
    repo.git(&["add", M2]);
    let run = repo.check(&["--format", "concise"]);
    assert_eq!(run.code, 0, "model name case: {run:?}");
}
