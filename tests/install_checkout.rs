//! `./install.sh` run in a check-migrate checkout without `--repo`: the repository of the
//! current directory is then the tool's own, so it asks for `--repo` instead of hooking it.
#![cfg(unix)]

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::support::{Repo, Run, clean, path_with_binary};

/// A clone of the tool: its installer, hook template and Cargo.toml, committed.
fn checkout() -> Repo {
    let repo = Repo::new();
    let source = Path::new(env!("CARGO_MANIFEST_DIR"));
    for file in ["install.sh", "hooks/pre-commit", "Cargo.toml"] {
        repo.write(file, fs::read(source.join(file)).unwrap());
    }
    repo.write("src/main.rs", "fn main() {}\n");
    repo.commit_all("check-migrate");
    repo
}

/// `sh install.sh --no-build EXTRA` of the checkout, run in `cwd` (no `--repo` unless given).
fn install_in(repo: &Repo, cwd: &Path, extra: &[&str]) -> Run {
    let mut cmd = Command::new("sh");
    cmd.arg(repo.path().join("install.sh"))
        .arg("--no-build")
        .args(extra)
        .current_dir(cwd);
    clean(&mut cmd, repo.home());
    cmd.env("PATH", path_with_binary());
    Run::from(cmd.output().expect("run install.sh"))
}

fn hooks(repo: &Repo) -> PathBuf {
    repo.path().join(".git/hooks")
}

fn assert_asks_for_repo(repo: &Repo, run: &Run) {
    assert_eq!(run.code, 2, "{run:?}");
    assert_eq!(run.stderr.lines().count(), 1, "{run:?}");
    assert!(
        run.stderr.contains("check-migrate checkout itself"),
        "{run:?}"
    );
    assert!(run.stderr.contains("--repo DIR"), "{run:?}");
    for name in ["pre-commit", "pre-merge-commit"] {
        assert!(!hooks(repo).join(name).exists(), "{name} written: {run:?}");
    }
}

#[test]
fn install_in_the_tools_own_checkout_asks_for_repo() {
    let repo = checkout();
    let run = install_in(&repo, repo.path(), &[]);
    assert_asks_for_repo(&repo, &run);
}

#[test]
fn install_from_a_subdirectory_of_the_checkout_asks_for_repo() {
    let repo = checkout();
    let run = install_in(&repo, &repo.path().join("src"), &[]);
    assert_asks_for_repo(&repo, &run);
}

#[test]
fn uninstall_in_the_tools_own_checkout_asks_for_repo_too() {
    let repo = checkout();
    let run = install_in(&repo, repo.path(), &["--uninstall"]);
    assert_asks_for_repo(&repo, &run);
}

#[test]
fn checkout_named_with_repo_is_installed_into() {
    let repo = checkout();
    let run = install_in(&repo, repo.path(), &["--repo", "."]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(hooks(&repo).join("pre-commit").is_file(), "{run:?}");
}

#[test]
fn repository_with_another_cargo_package_is_not_taken_for_the_checkout() {
    let repo = checkout();
    let manifest = fs::read_to_string(repo.path().join("Cargo.toml")).unwrap();
    repo.write(
        "Cargo.toml",
        manifest.replacen("name = \"check-migrate\"", "name = \"our-site\"", 1),
    );
    repo.commit_all("another package");
    let run = install_in(&repo, repo.path(), &[]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(hooks(&repo).join("pre-commit").is_file(), "{run:?}");
}
