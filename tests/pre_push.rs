//! The `pre-push` recipe the README gives, taken from the README itself and run by a real
//! `git push`: it catches what the commit hooks do not see (here a cherry-pick, which runs no
//! pre-commit hook).
#![cfg(unix)]

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use tempfile::TempDir;

use crate::support::{M1, M2, Repo, migration, second};

/// The README's pre-push hook: the `sh` block that starts with its shebang and comment.
fn recipe() -> String {
    let readme = fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md"))
        .expect("read README.md");
    let start = "```sh\n#!/bin/sh\n# pre-push:";
    let at = readme
        .find(start)
        .expect("the README shows a pre-push hook")
        + "```sh\n".len();
    let len = readme[at..].find("```").expect("the block ends");
    readme[at..at + len].to_string()
}

/// A repository whose `main` is on a bare `origin`, with the commit hooks installed, the
/// README's pre-push hook in place, and a commit adding `create_time` on branch `other`
/// (made without the hooks).
fn pushed_repo(remote: &TempDir) -> Repo {
    let repo = Repo::new();
    repo.write("blog/migrations/__init__.py", "");
    repo.write(M1, migration(&["title"]));
    repo.commit_all("initial");
    repo.git(&["init", "-q", "--bare", remote.path().to_str().unwrap()]);
    repo.git(&["remote", "add", "origin", remote.path().to_str().unwrap()]);
    repo.git(&["push", "-q", "origin", "main"]);
    repo.git(&["checkout", "-q", "-b", "other"]);
    repo.write(M2, second(&["create_time"]));
    repo.commit_all("other: times");
    repo.git(&["checkout", "-q", "main"]);
    repo.install_hook(repo.path());
    let hook = repo.path().join(".git/hooks/pre-push");
    fs::write(&hook, recipe()).unwrap();
    fs::set_permissions(&hook, fs::Permissions::from_mode(0o755)).unwrap();
    repo
}

fn remote_has(repo: &Repo, branch: &str) -> bool {
    !repo.git(&["ls-remote", "origin", branch]).trim().is_empty()
}

#[test]
fn readme_pre_push_recipe_stops_a_push_of_what_a_cherry_pick_brought() {
    let remote = TempDir::new().unwrap();
    let repo = pushed_repo(&remote);
    repo.git(&["checkout", "-q", "-b", "feature"]);

    // git runs no pre-commit hook for a cherry-pick, so the wrong name gets in.
    let run = repo.git_hooked(repo.path(), &["cherry-pick", "other"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(!run.stdout.contains("create_time"), "{run:?}");

    let run = repo.git_hooked(repo.path(), &["push", "-q", "origin", "feature"]);
    assert_ne!(run.code, 0, "{run:?}");
    assert!(
        run.stdout.contains("`create_time` should be `created_at`"),
        "{run:?}"
    );
    assert!(!remote_has(&repo, "feature"));

    // Fixed in a commit of its own, the branch adds no wrong name since origin/main.
    repo.write(M2, second(&["created_at"]));
    repo.git(&["add", M2]);
    let run = repo.git_hooked(repo.path(), &["commit", "-q", "-m", "fix the name"]);
    assert_eq!(run.code, 0, "{run:?}");
    let run = repo.git_hooked(repo.path(), &["push", "-q", "origin", "feature"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(remote_has(&repo, "feature"));
}

#[test]
fn readme_pre_push_recipe_without_origin_main_stops_the_push_with_one_line() {
    let remote = TempDir::new().unwrap();
    let repo = pushed_repo(&remote);
    repo.git(&["update-ref", "-d", "refs/remotes/origin/main"]);

    let run = repo.git_hooked(repo.path(), &["push", "-q", "origin", "main:copy"]);

    assert_ne!(run.code, 0, "{run:?}");
    assert!(
        run.stdout.contains("error: unknown revision `origin/main`"),
        "{run:?}"
    );
    assert!(!remote_has(&repo, "copy"));
}
