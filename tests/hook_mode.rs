//! `--hook`: what a hook manager that passes file names gets (the pre-commit framework's
//! hook runs it). The staged change when the files are staged ones; what the framework's
//! range adds on a push; else the files whole, with the graph.

use crate::support::{M1, Repo, migration, migration_after};

const M2A: &str = "blog/migrations/0002_a.py";
const M2B: &str = "blog/migrations/0002_b.py";

/// `blog` at `0001`, which holds a name accepted long ago, committed.
fn repo() -> Repo {
    let repo = Repo::new();
    repo.write("blog/__init__.py", "");
    repo.write("blog/migrations/__init__.py", "");
    repo.write(M1, migration(&["craete_time"]));
    repo.commit_all("blog");
    repo
}

fn hook(repo: &Repo, args: &[&str]) -> crate::support::Run {
    let mut all = vec!["--hook", "--format", "concise", "--color", "never"];
    all.extend_from_slice(args);
    repo.check(&all)
}

#[test]
fn staged_files_are_the_staged_change() {
    let repo = repo();
    repo.write(
        M2A,
        migration_after(&[("blog", "0001_initial")], "udpate_time"),
    );
    repo.git(&["add", "-A"]);
    // Only what the change adds: not the old name in 0001 (not even when it is named too).
    let run = hook(&repo, &[M2A]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(run.stdout.contains("0002_a.py:11:"), "{run:?}");
    assert!(!run.stdout.contains("0001_initial.py"), "{run:?}");
    // Nothing named: the staged change all the same (a commit deleting a migration).
    let run = hook(&repo, &[]);
    assert_eq!(run.code, 1, "{run:?}");
    // A second leaf staged is a graph finding, as in staged mode.
    repo.write(M2A, migration_after(&[("blog", "0001_initial")], "title"));
    repo.write(M2B, migration_after(&[("blog", "0001_initial")], "body"));
    repo.git(&["add", "-A"]);
    let run = hook(&repo, &[M2A, M2B]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(run.stdout.contains("multiple-leaves"), "{run:?}");
}

#[test]
fn files_not_staged_are_checked_whole_with_their_graph() {
    let repo = repo();
    repo.write(M2A, migration_after(&[("blog", "0001_initial")], "title"));
    repo.write(M2B, migration_after(&[("blog", "0001_initial")], "body"));
    repo.commit_all("two leaves");
    // `pre-commit run --all-files`: every finding of the files, and the app's graph.
    let run = hook(&repo, &[M1, M2A, M2B]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(run.stdout.contains("0001_initial.py:9:"), "{run:?}");
    assert!(run.stdout.contains("multiple-leaves"), "{run:?}");
    // One file named: its findings, and the graph of its app, read from the others.
    let run = hook(&repo, &[M2A]);
    assert!(run.stdout.contains("multiple-leaves"), "{run:?}");
    assert!(!run.stdout.contains("0001_initial.py:9:"), "{run:?}");
    assert!(run.stdout.contains("checked 1 migration file"), "{run:?}");
}

#[test]
fn a_push_range_ending_at_head_is_checked_since_its_start() {
    let repo = repo();
    let base = repo.git(&["rev-parse", "HEAD"]).trim().to_string();
    repo.write(
        M2A,
        migration_after(&[("blog", "0001_initial")], "udpate_time"),
    );
    repo.commit_all("wrong name, committed without the hook");
    let with_range = |to: &str| {
        let mut cmd = crate::support::check_migrate(repo.path(), repo.home());
        cmd.args(["--hook", "--format", "concise", M1, M2A])
            .env("PRE_COMMIT_FROM_REF", &base)
            .env("PRE_COMMIT_TO_REF", to);
        crate::support::Run::from(cmd.output().expect("run check-migrate"))
    };
    // What the range adds: the new name, not the one 0001 had before it.
    let run = with_range("HEAD");
    assert_eq!(run.code, 1, "{run:?}");
    assert!(run.stdout.contains("0002_a.py:11:"), "{run:?}");
    assert!(!run.stdout.contains("0001_initial.py"), "{run:?}");
    // Without the range, nothing is staged: the files are checked whole.
    let run = hook(&repo, &[M1, M2A]);
    assert!(run.stdout.contains("0001_initial.py:9:"), "{run:?}");
    // A range ending elsewhere is read at its end: from HEAD back to the base, nothing is
    // added.
    repo.git(&["checkout", "-q", "-b", "other", &base]);
    let run = with_range("main");
    assert_eq!(run.code, 1, "{run:?}");
    assert!(run.stdout.contains("0002_a.py:11:"), "{run:?}");
    assert!(!run.stdout.contains("0001_initial.py"), "{run:?}");
}

#[test]
fn a_baseline_is_not_written_from_a_hook_run() {
    let repo = repo();
    let run = hook(&repo, &["--write-baseline"]);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(run.stderr.contains("--hook"), "{run:?}");
}
