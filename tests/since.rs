//! `--since` with `--until` (a range that ends at a commit other than `HEAD`, as a pre-push
//! hook checks each pushed ref), and `--since` in a shallow clone.

use std::path::Path;
use std::process::Command;

use tempfile::TempDir;

use crate::support::{M1, M2, Repo, clean, finding, migration, migration_after, run_in, second};

/// `main` with one clean migration, and `feature` adding `craete_time` on top of it; `main`
/// is checked out.
fn repo_with_feature() -> Repo {
    let repo = Repo::new();
    repo.write("blog/migrations/__init__.py", "");
    repo.write(M1, migration(&["title"]));
    repo.commit_all("initial");
    repo.git(&["checkout", "-q", "-b", "feature"]);
    repo.write(M2, second(&["craete_time"]));
    repo.commit_all("feature: times");
    repo.git(&["checkout", "-q", "main"]);
    repo
}

#[test]
fn until_checks_a_commit_that_is_not_checked_out() {
    let repo = repo_with_feature();

    let run = repo.check(&[
        "--since", "main", "--until", "feature", "--format", "concise",
    ]);

    assert_eq!(run.code, 1, "{run:?}");
    assert_eq!(
        run.lines(),
        [
            finding(M2, 9, "craete_time", "create_time").as_str(),
            "checked 1 migration file: 1 error, 0 warnings",
        ]
    );
    // HEAD (main) adds nothing since main, and the working tree has no 0002 at all.
    assert!(!repo.path().join(M2).exists());
    let run = repo.check(&["--since", "main"]);
    assert_eq!(run.code, 0, "{run:?}");
}

#[test]
fn until_judges_the_graph_at_that_commit() {
    let repo = repo_with_feature();
    // main gets its own 0002: feature merged into it would have two leaves, but each
    // branch alone has one.
    repo.write(
        "blog/migrations/0002_other.py",
        migration_after(&[("blog", "0001_initial")], "views"),
    );
    repo.commit_all("main: other");
    repo.git(&["checkout", "-q", "-b", "both", "feature"]);
    repo.git(&["merge", "-q", "--no-verify", "--no-edit", "main"]);
    repo.git(&["checkout", "-q", "main"]);

    let run = repo.check(&[
        "--since", "feature", "--until", "both", "--format", "concise",
    ]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(run.stdout.contains("error[multiple-leaves]"), "{run:?}");

    let run = repo.check(&["--since", "feature", "--format", "concise"]);
    assert_eq!(run.code, 0, "main alone has one leaf: {run:?}");
}

#[test]
fn until_an_unknown_revision_is_exit_2() {
    let repo = repo_with_feature();
    let run = repo.check(&["--since", "main", "--until", "no-such-branch"]);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(
        run.stderr
            .starts_with("error: unknown revision `no-such-branch`"),
        "{run:?}"
    );
}

#[test]
fn until_without_since_is_a_usage_error() {
    let repo = repo_with_feature();
    let run = repo.check(&["--until", "feature"]);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(run.stderr.contains("--since"), "{run:?}");
}

fn git_in(dir: &Path, home: &Path, args: &[&str]) -> String {
    let mut cmd = Command::new("git");
    cmd.current_dir(dir).args(args);
    clean(&mut cmd, home);
    let out = cmd.output().expect("run git");
    assert!(
        out.status.success(),
        "git {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn since_in_a_shallow_clone_says_how_to_fetch_the_history() {
    let origin = repo_with_feature();
    let home = TempDir::new().unwrap();
    let parent = TempDir::new().unwrap();
    let url = format!("file://{}", origin.path().display());
    // As CI checks out a branch: its tip only, and the other branch's tip beside it.
    git_in(
        parent.path(),
        home.path(),
        &[
            "clone",
            "-q",
            "--depth",
            "1",
            "--no-single-branch",
            "-b",
            "feature",
            &url,
            "clone",
        ],
    );
    let clone = parent.path().join("clone");

    let run = run_in(&clone, &["--since", "origin/main"]);

    assert_eq!(run.code, 2, "{run:?}");
    assert_eq!(run.stderr.lines().count(), 1, "{run:?}");
    assert!(run.stderr.contains("shallow clone"), "{run:?}");
    assert!(run.stderr.contains("`git fetch --unshallow`"), "{run:?}");
    assert!(run.stderr.contains("`fetch-depth: 0`"), "{run:?}");

    // The advice works: with the history, the range is checked.
    git_in(&clone, home.path(), &["fetch", "-q", "--unshallow"]);
    let run = run_in(&clone, &["--since", "origin/main", "--format", "concise"]);
    assert_eq!(run.code, 1, "{run:?}");
    assert_eq!(run.lines()[0], finding(M2, 9, "craete_time", "create_time"));
}

#[test]
fn since_without_a_common_ancestor_in_a_full_clone_says_so() {
    let repo = repo_with_feature();
    repo.git(&["checkout", "-q", "--orphan", "unrelated"]);
    repo.commit_all("unrelated history");

    let run = repo.check(&["--since", "feature"]);

    assert_eq!(run.code, 2, "{run:?}");
    assert!(
        run.stderr
            .starts_with("error: unknown revision `feature`: no common ancestor with HEAD"),
        "{run:?}"
    );
    assert!(!run.stderr.contains("shallow"), "{run:?}");
}
