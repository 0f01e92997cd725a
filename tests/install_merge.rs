//! The pre-merge-commit hook with the real binary: a merge that completes without conflicts
//! runs no pre-commit hook, so only the hook installed as pre-merge-commit can refuse a merge
//! that leaves an app with two leaf migrations.

use crate::support::{Repo, Run, migration_after as migration};

fn install_hooks(repo: &Repo, extra: &[&str]) {
    repo.install_hook_with(repo.path(), extra);
}

fn git_hooked(repo: &Repo, args: &[&str]) -> Run {
    repo.git_hooked(repo.path(), args)
}

const LIKES: &str = "blog/migrations/0005_post_likes.py";
const SHARES: &str = "blog/migrations/0005_post_shares.py";
const MERGE: &str = "blog/migrations/0006_merge.py";

fn head(repo: &Repo) -> String {
    repo.git(&["rev-parse", "HEAD"]).trim().to_string()
}

fn merge_in_progress(repo: &Repo) -> bool {
    repo.git_cmd(&["rev-parse", "-q", "--verify", "MERGE_HEAD"])
        .output()
        .expect("run git")
        .status
        .success()
}

/// blog/migrations/0001..0004 in a chain on `main`; then `feature` adds 0005_post_shares and
/// `main` adds 0005_post_likes, both after 0004. The branches touch different files, so
/// merging them has no conflicts.
fn diverged(install_args: &[&str]) -> Repo {
    let repo = Repo::new();
    repo.write("blog/migrations/__init__.py", "");
    repo.write("blog/migrations/0001_initial.py", migration(&[], "title"));
    let chain = [
        ("0002_post_body", "0001_initial", "body"),
        ("0003_post_slug", "0002_post_body", "slug"),
        ("0004_post_views", "0003_post_slug", "views"),
    ];
    for (name, previous, field) in chain {
        repo.write(
            &format!("blog/migrations/{name}.py"),
            migration(&[("blog", previous)], field),
        );
    }
    repo.commit_all("blog migrations");
    repo.git(&["checkout", "-q", "-b", "feature"]);
    repo.write(SHARES, migration(&[("blog", "0004_post_views")], "shares"));
    repo.commit_all("feature: shares");
    repo.git(&["checkout", "-q", "main"]);
    repo.write(LIKES, migration(&[("blog", "0004_post_views")], "likes"));
    repo.commit_all("main: likes");
    install_hooks(&repo, install_args);
    repo
}

fn merge_migration() -> String {
    migration(
        &[("blog", "0005_post_likes"), ("blog", "0005_post_shares")],
        "merged",
    )
}

#[test]
fn clean_merge_giving_two_leaves_is_refused_then_goes_through_with_a_merge_migration() {
    let repo = diverged(&[]);
    let before = head(&repo);

    let run = git_hooked(&repo, &["merge", "--no-ff", "--no-edit", "feature"]);

    assert_ne!(run.code, 0, "{run:?}");
    assert!(run.stdout.contains("multiple-leaves"), "{}", run.stdout);
    assert!(
        run.stdout
            .contains("app `blog` has 2 leaf migrations (both numbered 0005): `0005_post_likes.py` and `0005_post_shares.py`"),
        "{}",
        run.stdout
    );
    assert_eq!(head(&repo), before, "no merge commit may be made");

    repo.git(&["merge", "--abort"]);
    assert!(!merge_in_progress(&repo));
    assert_eq!(head(&repo), before);
    assert_eq!(repo.git(&["status", "--porcelain"]), "");
    assert!(!repo.path().join(SHARES).exists());

    // Alone on `feature` the merge migration names a migration that branch lacks, so it
    // could not pass the pre-commit hook there; it is committed without it.
    repo.git(&["checkout", "-q", "feature"]);
    repo.write(MERGE, merge_migration());
    repo.commit_all("feature: merge migration");
    repo.git(&["checkout", "-q", "main"]);

    let run = git_hooked(&repo, &["merge", "--no-ff", "--no-edit", "feature"]);

    assert_eq!(run.code, 0, "{run:?}");
    assert!(!merge_in_progress(&repo));
    assert_eq!(repo.git(&["rev-parse", "HEAD^1"]).trim(), before);
    assert_eq!(
        repo.git(&["rev-parse", "HEAD^2"]),
        repo.git(&["rev-parse", "feature"])
    );
    assert!(repo.path().join(MERGE).exists());
}

#[test]
fn refused_merge_can_be_finished_with_a_merge_migration_and_git_commit() {
    let repo = diverged(&[]);
    let before = head(&repo);
    let run = git_hooked(&repo, &["merge", "--no-ff", "--no-edit", "feature"]);
    assert_ne!(run.code, 0, "{run:?}");
    assert!(merge_in_progress(&repo), "{run:?}");

    // What `makemigrations --merge` would write, then `git commit` as git's message says;
    // that commit runs the pre-commit hook on the same merge result.
    repo.write(MERGE, merge_migration());
    repo.git(&["add", MERGE]);
    let run = git_hooked(&repo, &["commit", "-q", "--no-edit"]);

    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(repo.git(&["rev-parse", "HEAD^1"]).trim(), before);
    assert!(!merge_in_progress(&repo));
}

#[test]
fn without_the_merge_hook_the_same_merge_is_not_checked() {
    let repo = diverged(&["--no-merge-hook"]);
    assert!(!repo.path().join(".git/hooks/pre-merge-commit").exists());

    let run = git_hooked(&repo, &["merge", "--no-ff", "--no-edit", "feature"]);

    assert_eq!(run.code, 0, "{run:?}");
    assert!(!run.stdout.contains("multiple-leaves"), "{}", run.stdout);
}
