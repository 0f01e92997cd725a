//! The pre-push hook `install.sh --pre-push` puts in place, run by a real `git push` to a bare
//! remote: it catches what the commit hooks do not see (a cherry-pick, a rebase that leaves
//! two leaf migrations), checks every pushed ref whether it is checked out or not, and skips
//! deletions.
#![cfg(unix)]

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::PathBuf;

use tempfile::TempDir;

use crate::support::{M1, M2, Repo, migration, migration_after, second};

const SHARES: &str = "blog/migrations/0002_post_shares.py";
const LIKES: &str = "blog/migrations/0002_post_likes.py";
const MERGE: &str = "blog/migrations/0003_merge.py";

/// A repository whose `main` is on a bare `origin` (with `origin/HEAD` set, as a clone has
/// it, unless `set_head` is false) and the hooks installed with `--pre-push`.
fn pushed_repo(remote: &TempDir, set_head: bool) -> Repo {
    let repo = Repo::new();
    repo.write("blog/migrations/__init__.py", "");
    repo.write(M1, migration(&["title"]));
    repo.commit_all("initial");
    let url = remote.path().to_str().unwrap();
    repo.git(&["init", "-q", "--bare", url]);
    repo.git(&["remote", "add", "origin", url]);
    repo.git(&["push", "-q", "origin", "main"]);
    if set_head {
        repo.git(&["remote", "set-head", "origin", "main"]);
    }
    repo.install_hook_with(repo.path(), &["--pre-push"]);
    repo
}

/// A commit on a new branch `name` adding `craete_time`, made without the hooks; `main` is
/// checked out again.
fn wrong_name_branch(repo: &Repo, name: &str) {
    repo.git(&["checkout", "-q", "-b", name]);
    repo.write(M2, second(&["craete_time"]));
    repo.commit_all("times");
    repo.git(&["checkout", "-q", "main"]);
}

fn remote_sha(repo: &Repo, branch: &str) -> Option<String> {
    let line = repo.git(&["ls-remote", "origin", &format!("refs/heads/{branch}")]);
    line.split_whitespace().next().map(str::to_string)
}

fn sha(repo: &Repo, rev: &str) -> String {
    repo.git(&["rev-parse", rev]).trim().to_string()
}

fn hook(repo: &Repo) -> PathBuf {
    repo.path().join(".git/hooks/pre-push")
}

#[test]
fn pre_push_stops_a_new_branch_carrying_what_a_cherry_pick_brought() {
    let remote = TempDir::new().unwrap();
    let repo = pushed_repo(&remote, true);
    wrong_name_branch(&repo, "other");
    repo.git(&["checkout", "-q", "-b", "feature"]);

    // git runs no pre-commit hook for a cherry-pick, so the wrong name gets in.
    let run = repo.git_hooked(repo.path(), &["cherry-pick", "other"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(!run.stdout.contains("craete_time"), "{run:?}");

    let run = repo.git_hooked(repo.path(), &["push", "-q", "origin", "feature"]);
    assert_ne!(run.code, 0, "{run:?}");
    assert!(
        run.stdout.contains("`craete_time` should be `create_time`"),
        "{run:?}"
    );
    assert!(run.stdout.contains("git push --no-verify"), "{run:?}");
    assert_eq!(remote_sha(&repo, "feature"), None);

    // Fixed in a commit of its own, the branch adds no wrong name since origin/main.
    repo.write(M2, second(&["create_time"]));
    repo.git(&["add", M2]);
    let run = repo.git_hooked(repo.path(), &["commit", "-q", "-m", "fix the name"]);
    assert_eq!(run.code, 0, "{run:?}");
    let run = repo.git_hooked(repo.path(), &["push", "-q", "origin", "feature"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(remote_sha(&repo, "feature"), Some(sha(&repo, "feature")));
}

#[test]
fn pre_push_stops_a_rebase_that_leaves_two_leaves_until_a_merge_migration_is_added() {
    let remote = TempDir::new().unwrap();
    let repo = pushed_repo(&remote, true);
    repo.git(&["checkout", "-q", "-b", "feature"]);
    repo.write(
        SHARES,
        migration_after(&[("blog", "0001_initial")], "shares"),
    );
    repo.commit_all("feature: shares");
    let run = repo.git_hooked(repo.path(), &["push", "-q", "origin", "feature"]);
    assert_eq!(run.code, 0, "one leaf on feature: {run:?}");
    // main gets its own 0002 meanwhile.
    repo.git(&["checkout", "-q", "main"]);
    repo.write(LIKES, migration_after(&[("blog", "0001_initial")], "likes"));
    repo.commit_all("main: likes");
    let run = repo.git_hooked(repo.path(), &["push", "-q", "origin", "main"]);
    assert_eq!(run.code, 0, "one leaf on main: {run:?}");

    // The rebase makes its commits without pre-commit: feature now has both 0002s as leaves.
    repo.git(&["checkout", "-q", "feature"]);
    let run = repo.git_hooked(repo.path(), &["rebase", "-q", "main"]);
    assert_eq!(run.code, 0, "{run:?}");
    let pushed = remote_sha(&repo, "feature");

    let run = repo.git_hooked(repo.path(), &["push", "-q", "--force", "origin", "feature"]);
    assert_ne!(run.code, 0, "{run:?}");
    assert!(run.stdout.contains("error[multiple-leaves]"), "{run:?}");
    assert_eq!(remote_sha(&repo, "feature"), pushed);

    repo.write(
        MERGE,
        migration_after(
            &[("blog", "0002_post_likes"), ("blog", "0002_post_shares")],
            "views",
        ),
    );
    repo.git(&["add", MERGE]);
    let run = repo.git_hooked(repo.path(), &["commit", "-q", "-m", "merge migration"]);
    assert_eq!(run.code, 0, "{run:?}");
    let run = repo.git_hooked(repo.path(), &["push", "-q", "--force", "origin", "feature"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(remote_sha(&repo, "feature"), Some(sha(&repo, "feature")));
}

#[test]
fn pre_push_checks_a_pushed_branch_that_is_not_checked_out() {
    let remote = TempDir::new().unwrap();
    let repo = pushed_repo(&remote, true);
    wrong_name_branch(&repo, "other");

    // main is checked out; the push names other.
    let run = repo.git_hooked(repo.path(), &["push", "-q", "origin", "other"]);

    assert_ne!(run.code, 0, "{run:?}");
    assert!(
        run.stdout.contains("`craete_time` should be `create_time`"),
        "{run:?}"
    );
    assert_eq!(remote_sha(&repo, "other"), None);
    // Pushing main alongside does not hide it.
    let run = repo.git_hooked(repo.path(), &["push", "-q", "origin", "main", "other"]);
    assert_ne!(run.code, 0, "{run:?}");
}

#[test]
fn pre_push_of_a_new_branch_without_the_remotes_head_says_it_was_not_checked() {
    let remote = TempDir::new().unwrap();
    let repo = pushed_repo(&remote, false);
    wrong_name_branch(&repo, "other");

    let run = repo.git_hooked(repo.path(), &["push", "-q", "origin", "other"]);

    assert_eq!(run.code, 0, "{run:?}");
    assert!(
        run.stdout.contains(
            "check-migrate: refs/heads/other was not checked: refs/heads/other is new on origin, and refs/remotes/origin/HEAD"
        ),
        "{run:?}"
    );
    assert!(
        run.stdout.contains("`git remote set-head origin --auto`"),
        "{run:?}"
    );
}

#[test]
fn pre_push_lets_a_deletion_through() {
    let remote = TempDir::new().unwrap();
    let repo = pushed_repo(&remote, true);
    wrong_name_branch(&repo, "other");
    let run = repo.git_hooked(
        repo.path(),
        &["push", "-q", "--no-verify", "origin", "other"],
    );
    assert_eq!(run.code, 0, "{run:?}");

    let run = repo.git_hooked(repo.path(), &["push", "-q", "origin", ":other"]);

    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(remote_sha(&repo, "other"), None);
}

#[test]
fn pre_push_keeps_the_users_hook_which_gets_the_same_stdin_and_uninstall_puts_it_back() {
    let remote = TempDir::new().unwrap();
    let repo = Repo::new();
    repo.write("blog/migrations/__init__.py", "");
    repo.write(M1, migration(&["title"]));
    repo.commit_all("initial");
    let url = remote.path().to_str().unwrap();
    repo.git(&["init", "-q", "--bare", url]);
    repo.git(&["remote", "add", "origin", url]);
    let log = repo.home().join("pushed.log");
    let text = format!(
        "#!/bin/sh\necho \"user pre-push $1\" >'{0}'\ncat >>'{0}'\n",
        log.display()
    );
    fs::write(hook(&repo), &text).unwrap();
    fs::set_permissions(hook(&repo), fs::Permissions::from_mode(0o750)).unwrap();

    repo.install_hook_with(repo.path(), &["--pre-push"]);
    let run = repo.git_hooked(repo.path(), &["push", "-q", "origin", "main"]);

    assert_eq!(run.code, 0, "{run:?}");
    let head = sha(&repo, "main");
    assert_eq!(
        fs::read_to_string(&log).unwrap(),
        format!(
            "user pre-push origin\nrefs/heads/main {head} refs/heads/main {}\n",
            "0".repeat(40)
        )
    );

    repo.install_hook_with(repo.path(), &["--uninstall"]);
    assert_eq!(fs::read_to_string(hook(&repo)).unwrap(), text);
    let mode = fs::metadata(hook(&repo)).unwrap().permissions().mode() & 0o7777;
    assert_eq!(mode, 0o750);
    assert!(
        !repo
            .path()
            .join(".git/hooks/pre-push.pre-check-migrate")
            .exists()
    );
}

#[test]
fn pre_push_is_opt_in_and_a_later_install_keeps_it() {
    let repo = Repo::new();
    repo.install_hook(repo.path());
    assert!(!hook(&repo).exists());

    repo.install_hook_with(repo.path(), &["--pre-push"]);
    assert!(hook(&repo).is_file());
    let installed = fs::read(hook(&repo)).unwrap();

    let run = repo.install_hook(repo.path());
    assert_eq!(fs::read(hook(&repo)).unwrap(), installed);
    assert!(run.stdout.contains("already installed as"), "{run:?}");

    repo.install_hook_with(repo.path(), &["--uninstall"]);
    assert!(!hook(&repo).exists());
}
