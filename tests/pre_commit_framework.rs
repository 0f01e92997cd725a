//! The hooks of `.pre-commit-hooks.yaml`, run by the real pre-commit framework (from PyPI,
//! through `support::tools`) as a team's `.pre-commit-config.yaml` gets them: the framework
//! builds them from a repository holding this checkout's files, with cargo.
//!
//! The build is the slow part, so everything the framework keeps is kept in
//! `target/pre-commit/`: the hook repository is committed with fixed dates (the same files
//! give the same revision), its environments are built once per revision, and cargo's
//! intermediate files are shared between builds.
#![cfg(unix)]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use crate::support::{Repo, Run, tools};

/// Where the framework's store, the hook repository and cargo's files are kept.
fn kept() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("target/pre-commit")
}

/// The hook repository (this checkout's tracked and untracked files, as they are now,
/// committed) and its revision.
fn hook_repo() -> &'static (PathBuf, String) {
    static REPO: OnceLock<(PathBuf, String)> = OnceLock::new();
    REPO.get_or_init(|| {
        let source = Path::new(env!("CARGO_MANIFEST_DIR"));
        let repo = kept().join("hook-repo");
        if repo.exists() {
            std::fs::remove_dir_all(&repo).expect("remove the old hook repository");
        }
        std::fs::create_dir_all(&repo).expect("create the hook repository");
        let listed = Command::new("git")
            .current_dir(source)
            .args([
                "ls-files",
                "-z",
                "--cached",
                "--others",
                "--exclude-standard",
            ])
            .output()
            .expect("list the checkout's files");
        assert!(listed.status.success(), "git ls-files failed");
        for name in listed.stdout.split(|b| *b == 0).filter(|n| !n.is_empty()) {
            let name = std::str::from_utf8(name).expect("the checkout's file names are UTF-8");
            let from = source.join(name);
            if !from.is_file() {
                continue; // deleted in the working tree
            }
            let to = repo.join(name);
            std::fs::create_dir_all(to.parent().expect("a parent")).expect("create a folder");
            std::fs::copy(&from, &to).expect("copy a file of the checkout");
        }
        let git = |args: &[&str]| {
            let out = Command::new("git")
                .current_dir(&repo)
                .args(args)
                .env("GIT_CONFIG_NOSYSTEM", "1")
                .env("HOME", kept())
                .env("GIT_AUTHOR_NAME", "Test")
                .env("GIT_AUTHOR_EMAIL", "test@example.com")
                .env("GIT_COMMITTER_NAME", "Test")
                .env("GIT_COMMITTER_EMAIL", "test@example.com")
                .env("GIT_AUTHOR_DATE", "2026-01-01T00:00:00Z")
                .env("GIT_COMMITTER_DATE", "2026-01-01T00:00:00Z")
                .output()
                .expect("run git");
            assert!(
                out.status.success(),
                "git {args:?}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            String::from_utf8_lossy(&out.stdout).trim().to_string()
        };
        git(&["init", "-q", "-b", "main"]);
        git(&["add", "-A"]);
        git(&["commit", "-q", "--no-verify", "-m", "hooks"]);
        let rev = git(&["rev-parse", "HEAD"]);
        (repo, rev)
    })
}

/// The user's home, for cargo and rustup, which the test's clean home would hide.
fn real_home() -> PathBuf {
    std::env::var_os("HOME").map_or_else(|| PathBuf::from("/root"), PathBuf::from)
}

/// A command in `repo` with the framework, git and cargo on `PATH`, and the kept store.
fn command(repo: &Repo, program: &Path, args: &[&str]) -> Command {
    let mut cmd = Command::new(program);
    cmd.current_dir(repo.path()).args(args);
    crate::support::clean(&mut cmd, repo.home());
    let cargo_home =
        std::env::var_os("CARGO_HOME").map_or_else(|| real_home().join(".cargo"), PathBuf::from);
    let rustup_home =
        std::env::var_os("RUSTUP_HOME").map_or_else(|| real_home().join(".rustup"), PathBuf::from);
    let path = std::env::var_os("PATH").unwrap_or_default();
    let mut dirs: Vec<PathBuf> = vec![tools::bin_dirs()[0].clone(), cargo_home.join("bin")];
    dirs.extend(std::env::split_paths(&path));
    cmd.env("PATH", std::env::join_paths(dirs).expect("a PATH"))
        .env("CARGO_HOME", cargo_home)
        .env("RUSTUP_HOME", rustup_home)
        .env("PRE_COMMIT_HOME", kept().join("home"))
        .env("CARGO_TARGET_DIR", kept().join("cargo-target"))
        // The hook is built as a user's would be, without the release profile's LTO, which
        // would add minutes to every build of it and change nothing it does.
        .env("CARGO_PROFILE_RELEASE_LTO", "false")
        .env("CARGO_PROFILE_RELEASE_CODEGEN_UNITS", "16")
        .env("PRE_COMMIT_COLOR", "never")
        .env_remove("PRE_COMMIT_FROM_REF")
        .env_remove("PRE_COMMIT_TO_REF");
    cmd
}

fn run(mut cmd: Command) -> Run {
    Run::combined(cmd.output().expect("run the command"))
}

/// A repository using the hooks, with `blog` at `0001`, the framework's hooks installed for
/// commits, merges and pushes.
fn using_the_hooks() -> Repo {
    using(&["check-migrate", "check-migrate-merge"])
}

/// A repository using the hooks `ids` of the hook repository.
fn using(ids: &[&str]) -> Repo {
    let (hook_repo, rev) = hook_repo();
    let repo = Repo::new();
    let hooks: String = ids.iter().map(|id| format!("      - id: {id}\n")).collect();
    repo.write(
        ".pre-commit-config.yaml",
        format!(
            "repos:\n  - repo: {}\n    rev: {rev}\n    hooks:\n{hooks}",
            hook_repo.display()
        ),
    );
    repo.write("blog/__init__.py", "");
    repo.write("blog/migrations/__init__.py", "");
    repo.write(crate::support::M1, crate::support::migration(&["title"]));
    repo.commit_all("blog");
    let pre_commit = tools::tool("pre-commit");
    let installed = run(command(
        &repo,
        &pre_commit,
        &[
            "install",
            "-t",
            "pre-commit",
            "-t",
            "pre-merge-commit",
            "-t",
            "pre-push",
        ],
    ));
    assert_eq!(installed.code, 0, "{installed:?}");
    // Build the hooks' environment now, once, rather than inside the first commit.
    let built = run(command(&repo, &pre_commit, &["install-hooks"]));
    assert_eq!(built.code, 0, "{built:?}");
    repo
}

/// `git` in the repository, with the environment the framework's hooks need.
fn git(repo: &Repo, args: &[&str]) -> Run {
    run(command(repo, Path::new("git"), args))
}

/// A second migration of `blog` after `0001`, adding `field`.
fn next(name: &str, field: &str) -> (String, String) {
    (
        format!("blog/migrations/{name}.py"),
        crate::support::migration_after(&[("blog", "0001_initial")], field),
    )
}

#[test]
fn commits_are_checked_like_the_installed_hook() {
    let repo = using_the_hooks();
    // A wrong name is blocked, at its place.
    let (path, text) = next("0002_post_created", "craete_time");
    repo.write(&path, &text);
    repo.git(&["add", "-A"]);
    let commit = git(&repo, &["commit", "-q", "-m", "wrong"]);
    assert_ne!(commit.code, 0, "{commit:?}");
    assert!(
        commit
            .stdout
            .contains("`craete_time` should be `create_time`"),
        "{commit:?}"
    );
    assert!(commit.stdout.contains(&path), "{commit:?}");
    // The right name passes.
    repo.write(&path, text.replace("craete_time", "create_time"));
    repo.git(&["add", "-A"]);
    let commit = git(&repo, &["commit", "-q", "-m", "right"]);
    assert_eq!(commit.code, 0, "{commit:?}");
    // A second leaf is blocked at commit: the graph of the touched app is judged.
    let (other, text) = next("0002_post_body", "body");
    repo.write(&other, &text);
    repo.git(&["add", "-A"]);
    let commit = git(&repo, &["commit", "-q", "-m", "second leaf"]);
    assert_ne!(commit.code, 0, "{commit:?}");
    assert!(commit.stdout.contains("multiple-leaves"), "{commit:?}");
    // Committed anyway, `run --all-files` finds it in the whole repository.
    assert_eq!(
        git(&repo, &["commit", "-q", "--no-verify", "-m", "leaf"]).code,
        0
    );
    let pre_commit = tools::tool("pre-commit");
    let all = run(command(&repo, &pre_commit, &["run", "--all-files"]));
    assert_ne!(all.code, 0, "{all:?}");
    assert!(all.stdout.contains("multiple-leaves"), "{all:?}");
    // A commit that touches no migration passes, though the app is still broken.
    repo.write("README.md", "docs\n");
    repo.git(&["add", "-A"]);
    let commit = git(&repo, &["commit", "-q", "-m", "docs"]);
    assert_eq!(commit.code, 0, "{commit:?}");
}

#[test]
fn a_merge_making_two_leaves_is_blocked() {
    let repo = using_the_hooks();
    repo.git(&["checkout", "-q", "-b", "feature"]);
    let (path, text) = next("0002_post_body", "body");
    repo.write(&path, &text);
    repo.commit_all("feature: body");
    repo.git(&["checkout", "-q", "main"]);
    let (path, text) = next("0002_post_summary", "summary");
    repo.write(&path, &text);
    repo.commit_all("main: summary");
    let merge = git(&repo, &["merge", "-q", "--no-ff", "--no-edit", "feature"]);
    assert_ne!(merge.code, 0, "{merge:?}");
    assert!(merge.stdout.contains("multiple-leaves"), "{merge:?}");
}

#[test]
fn a_push_after_a_rebase_making_two_leaves_is_blocked() {
    let repo = using_the_hooks();
    let remote = tempfile::TempDir::new().expect("a remote");
    let remote_path = remote.path().to_str().expect("temporary paths are UTF-8");
    assert_eq!(git(&repo, &["init", "-q", "--bare", remote_path]).code, 0);
    repo.git(&["remote", "add", "origin", remote_path]);
    assert_eq!(git(&repo, &["push", "-q", "origin", "main"]).code, 0);
    repo.git(&["checkout", "-q", "-b", "feature"]);
    let (path, text) = next("0002_post_body", "body");
    repo.write(&path, &text);
    repo.commit_all("feature: body");
    // Meanwhile main gets its own 0002; the feature is rebased onto it, which runs no
    // commit hook.
    repo.git(&["checkout", "-q", "main"]);
    let (path, text) = next("0002_post_summary", "summary");
    repo.write(&path, &text);
    repo.commit_all("main: summary");
    assert_eq!(git(&repo, &["push", "-q", "origin", "main"]).code, 0);
    repo.git(&["checkout", "-q", "feature"]);
    repo.git(&["rebase", "-q", "main"]);
    let push = git(&repo, &["push", "-q", "origin", "feature"]);
    assert_ne!(push.code, 0, "{push:?}");
    assert!(push.stdout.contains("multiple-leaves"), "{push:?}");
    // The merge migration makes the push pass.
    repo.write(
        "blog/migrations/0003_merge.py",
        "from django.db import migrations\n\n\nclass Migration(migrations.Migration):\n\n    dependencies = [(\"blog\", \"0002_post_body\"), (\"blog\", \"0002_post_summary\")]\n\n    operations = []\n",
    );
    repo.commit_all("merge migration");
    let push = git(&repo, &["push", "-q", "origin", "feature"]);
    assert_eq!(push.code, 0, "{push:?}");
}

/// The `language: python` hooks: the framework pip-installs the hook repository, which builds
/// the binary through maturin, and they check what the rust ones do.
#[test]
fn the_python_hooks_check_commits_too() {
    let repo = using(&["check-migrate-python", "check-migrate-merge-python"]);
    let (path, text) = next("0002_post_created", "craete_time");
    repo.write(&path, &text);
    repo.git(&["add", "-A"]);
    let commit = git(&repo, &["commit", "-q", "-m", "wrong"]);
    assert_ne!(commit.code, 0, "{commit:?}");
    assert!(
        commit
            .stdout
            .contains("`craete_time` should be `create_time`"),
        "{commit:?}"
    );
    repo.write(&path, text.replace("craete_time", "create_time"));
    repo.git(&["add", "-A"]);
    let commit = git(&repo, &["commit", "-q", "-m", "right"]);
    assert_eq!(commit.code, 0, "{commit:?}");
    let (other, text) = next("0002_post_body", "body");
    repo.write(&other, &text);
    repo.git(&["add", "-A"]);
    let commit = git(&repo, &["commit", "-q", "-m", "second leaf"]);
    assert_ne!(commit.code, 0, "{commit:?}");
    assert!(commit.stdout.contains("multiple-leaves"), "{commit:?}");
}
