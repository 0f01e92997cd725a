//! A hooks directory outside the repository (a global `core.hooksPath`, or `.git/hooks`
//! linked elsewhere) may serve other repositories too: `install.sh --uninstall` refuses to
//! take the check out of it without `--shared-ok`, and changes nothing when it refuses.
#![cfg(unix)]

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use tempfile::TempDir;

use crate::support::{M1, M2, Repo, Run, migration, second};

/// A repository with one clean migration committed.
fn django_repo() -> Repo {
    let repo = Repo::new();
    repo.write("blog/migrations/__init__.py", "");
    repo.write(M1, migration(&["title"]));
    repo.commit_all("initial");
    repo
}

/// Commits a migration adding `craete_time` with the hooks live.
fn commit_wrong_name(repo: &Repo) -> Run {
    repo.write(M2, second(&["craete_time"]));
    repo.git(&["add", M2]);
    repo.git_hooked(repo.path(), &["commit", "-q", "-m", "times"])
}

fn assert_blocked(run: &Run) {
    assert_ne!(run.code, 0, "{run:?}");
    assert!(
        run.stdout.contains("`craete_time` should be `create_time`"),
        "{run:?}"
    );
}

fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .map(|path| (path.clone(), fs::read(&path).unwrap()))
        .collect()
}

fn uninstall(repo: &Repo, extra: &[&str]) -> Run {
    let mut args = vec!["--uninstall"];
    args.extend_from_slice(extra);
    Run::from(
        repo.install_command(repo.path(), &args)
            .output()
            .expect("run install.sh"),
    )
}

/// Two repositories using one hooks directory: the first through `core.hooksPath` in its
/// user's global config, the second through its own config. The hooks are installed from the
/// first.
struct Shared {
    dir: TempDir,
    first: Repo,
    second: Repo,
}

impl Shared {
    fn new() -> Shared {
        let dir = TempDir::new().unwrap();
        let hooks = dir.path().to_str().unwrap();
        let first = django_repo();
        first.git(&["config", "--global", "core.hooksPath", hooks]);
        let second = django_repo();
        second.git(&["config", "core.hooksPath", hooks]);
        let run = first.install_hook(first.path());
        assert!(
            run.stdout
                .contains("outside this repository (core.hooksPath, set in "),
            "{run:?}"
        );
        assert!(
            run.stdout
                .contains("every repository that uses it runs the check"),
            "{run:?}"
        );
        Shared { dir, first, second }
    }

    fn hooks(&self) -> PathBuf {
        fs::canonicalize(self.dir.path()).unwrap()
    }
}

#[test]
fn uninstall_from_a_shared_hooks_path_is_refused_and_the_other_repository_stays_checked() {
    let shared = Shared::new();
    assert_blocked(&commit_wrong_name(&shared.second));
    let before = snapshot(&shared.hooks());

    let run = uninstall(&shared.first, &[]);

    assert_eq!(run.code, 1, "{run:?}");
    assert_eq!(run.stderr.lines().count(), 1, "{run:?}");
    let global = shared.first.home().join(".gitconfig");
    for part in [
        format!("the hooks directory {} ", shared.hooks().display()),
        format!("(core.hooksPath, set in {})", global.display()),
        "other repositories may use it too".to_string(),
        "remove the check from all of them".to_string(),
        "--shared-ok".to_string(),
        "(nothing changed)".to_string(),
    ] {
        assert!(run.stderr.contains(&part), "{part}: {run:?}");
    }
    assert_eq!(snapshot(&shared.hooks()), before);
    assert_blocked(&commit_wrong_name(&shared.second));
}

#[test]
fn uninstall_with_shared_ok_removes_the_shared_hooks_and_says_who_loses_the_check() {
    let shared = Shared::new();

    let run = uninstall(&shared.first, &["--shared-ok"]);

    assert_eq!(run.code, 0, "{run:?}");
    assert!(
        run.stdout
            .contains("every repository that uses it loses the check"),
        "{run:?}"
    );
    assert!(snapshot(&shared.hooks()).is_empty(), "{run:?}");
    assert_eq!(commit_wrong_name(&shared.second).code, 0);
}

#[test]
fn uninstall_from_hooks_linked_outside_the_repository_is_refused() {
    let repo = django_repo();
    let elsewhere = TempDir::new().unwrap();
    let hooks = repo.path().join(".git/hooks");
    fs::remove_dir_all(&hooks).unwrap();
    std::os::unix::fs::symlink(elsewhere.path(), &hooks).unwrap();
    repo.install_hook(repo.path());
    let before = snapshot(elsewhere.path());

    let run = uninstall(&repo, &[]);

    assert_eq!(run.code, 1, "{run:?}");
    assert!(run.stderr.contains("is a link to it"), "{run:?}");
    assert!(run.stderr.contains("--shared-ok"), "{run:?}");
    assert_eq!(snapshot(elsewhere.path()), before);
    assert_blocked(&commit_wrong_name(&repo));
}

/// A hooks directory in the working tree (a tracked `githooks/`) belongs to this repository.
#[test]
fn uninstall_from_a_hooks_path_inside_the_repository_needs_no_flag() {
    let repo = django_repo();
    repo.git(&["config", "core.hooksPath", "githooks"]);
    repo.install_hook(repo.path());
    assert!(repo.path().join("githooks/pre-commit").exists());

    let run = uninstall(&repo, &[]);

    assert_eq!(run.code, 0, "{run:?}");
    assert!(
        snapshot(&repo.path().join("githooks")).is_empty(),
        "{run:?}"
    );
}

/// With nothing of ours in the shared directory there is nothing to refuse.
#[test]
fn uninstall_with_nothing_installed_in_a_shared_directory_changes_nothing_and_passes() {
    let repo = django_repo();
    let elsewhere = TempDir::new().unwrap();
    repo.git(&[
        "config",
        "core.hooksPath",
        elsewhere.path().to_str().unwrap(),
    ]);

    let run = uninstall(&repo, &[]);

    assert_eq!(run.code, 0, "{run:?}");
    assert!(run.stdout.contains("nothing to do"), "{run:?}");
}

#[test]
fn shared_ok_without_uninstall_is_a_usage_error() {
    let repo = django_repo();
    let run = Run::from(
        repo.install_command(repo.path(), &["--shared-ok"])
            .output()
            .expect("run install.sh"),
    );
    assert_eq!(run.code, 2, "{run:?}");
    assert!(
        run.stderr.contains("--shared-ok goes with --uninstall"),
        "{run:?}"
    );
    assert!(!repo.path().join(".git/hooks/pre-commit").exists());
}
