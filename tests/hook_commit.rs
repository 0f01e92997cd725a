//! The hook as git runs it: `install.sh` puts it in place, and real `git commit` invocations
//! (plain, `-a`, `-- path`, partial staging, worktrees) are blocked or let through.

use std::path::{Path, PathBuf};

use crate::support::{Repo, Run};

const HEAD: &str = "from django.db import migrations, models\n\n\nclass Migration(migrations.Migration):\n\n    dependencies = []\n\n    operations = [\n";
const M1: &str = "blog/migrations/0001_initial.py";
const M2: &str = "blog/migrations/0002_post_times.py";

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

/// PATH with the freshly built binary first, as after `cargo install`.
fn path_with_binary() -> String {
    let bin = PathBuf::from(env!("CARGO_BIN_EXE_check-migrate"));
    let dir = bin.parent().expect("binary directory");
    format!(
        "{}:{}",
        dir.display(),
        std::env::var("PATH").unwrap_or_default()
    )
}

fn install(repo: &Repo, target: &Path) -> Run {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("install.sh");
    let mut cmd = std::process::Command::new("sh");
    cmd.arg(script)
        .arg("--no-build")
        .arg("--repo")
        .arg(target)
        .current_dir(repo.path());
    crate::support::clean(&mut cmd, repo.home());
    cmd.env("PATH", path_with_binary());
    let out = cmd.output().expect("run install.sh");
    let run = Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    };
    assert_eq!(run.code, 0, "install.sh failed: {run:?}");
    run
}

/// A repository with one clean migration committed and the hook installed.
fn hooked_repo() -> Repo {
    let repo = Repo::new();
    repo.write("blog/migrations/__init__.py", "");
    repo.write(M1, migration(&["title"]));
    repo.commit_all("initial");
    install(&repo, repo.path());
    repo
}

/// `git commit` with the binary on PATH, the way a developer runs it. git sends a hook's
/// stdout to its own stderr, so `stdout` here holds both streams, hook output included.
fn commit(repo: &Repo, dir: &Path, args: &[&str]) -> Run {
    let mut cmd = repo.git_cmd(&["commit", "-q"]);
    cmd.args(args)
        .current_dir(dir)
        .env("PATH", path_with_binary());
    let out = cmd.output().expect("run git commit");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
        stderr: String::new(),
    }
}

fn head_count(repo: &Repo) -> usize {
    repo.git(&["rev-list", "--count", "HEAD"])
        .trim()
        .parse()
        .expect("a count")
}

#[test]
fn commit_blocked_by_a_staged_wrong_name() {
    let repo = hooked_repo();
    repo.write(M2, migration(&["create_time"]));
    repo.git(&["add", M2]);
    let run = commit(&repo, repo.path(), &["-m", "add times"]);
    assert_ne!(run.code, 0, "{run:?}");
    assert!(
        run.stdout.contains("`create_time` should be `created_at`"),
        "{run:?}"
    );
    assert!(run.stdout.contains(&format!("--> {M2}:9:38")), "{run:?}");
    assert_eq!(head_count(&repo), 1);
}

#[test]
fn clean_commit_goes_through() {
    let repo = hooked_repo();
    repo.write(M2, migration(&["created_at"]));
    repo.git(&["add", M2]);
    let run = commit(&repo, repo.path(), &["-m", "add times"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(head_count(&repo), 2);
}

#[test]
fn staged_wrong_name_fixed_only_in_worktree_still_blocks() {
    let repo = hooked_repo();
    repo.write(M2, migration(&["create_time"]));
    repo.git(&["add", M2]);
    repo.write(M2, migration(&["created_at"]));
    let run = commit(&repo, repo.path(), &["-m", "add times"]);
    assert_ne!(run.code, 0, "{run:?}");
    assert_eq!(head_count(&repo), 1);
}

#[test]
fn staged_clean_but_broken_in_worktree_commits() {
    let repo = hooked_repo();
    repo.write(M2, migration(&["created_at"]));
    repo.git(&["add", M2]);
    repo.write(M2, migration(&["create_time"]));
    let run = commit(&repo, repo.path(), &["-m", "add times"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(head_count(&repo), 2);
}

#[test]
fn commit_all_uses_temporary_index() {
    let repo = hooked_repo();
    // Only in the working tree: `git commit -a` stages it into a temporary index.
    repo.write(M1, migration(&["title", "update_time"]));
    let run = commit(&repo, repo.path(), &["-a", "-m", "edit"]);
    assert_ne!(run.code, 0, "{run:?}");
    assert!(
        run.stdout.contains("`update_time` should be `updated_at`"),
        "{run:?}"
    );
    assert_eq!(head_count(&repo), 1);
}

#[test]
fn commit_with_pathspec_uses_temporary_index() {
    let repo = hooked_repo();
    repo.write(M1, migration(&["title", "update_time"]));
    let run = commit(&repo, repo.path(), &["-m", "edit", "--", M1]);
    assert_ne!(run.code, 0, "{run:?}");
    assert!(run.stdout.contains(&format!("--> {M1}:10:38")), "{run:?}");
    // The same path, fixed, goes through although the real index holds nothing staged.
    repo.write(M1, migration(&["title", "updated_at"]));
    let run = commit(&repo, repo.path(), &["-m", "edit", "--", M1]);
    assert_eq!(run.code, 0, "{run:?}");
}

#[test]
fn partial_staging_with_add_p_checks_only_the_staged_hunk() {
    let repo = Repo::new();
    let mut names: Vec<String> = (0..12).map(|i| format!("field_{i}")).collect();
    let as_refs =
        |names: &[String]| migration(&names.iter().map(String::as_str).collect::<Vec<_>>());
    repo.write(M1, as_refs(&names));
    repo.commit_all("initial");
    install(&repo, repo.path());
    // Two hunks far apart: a clean one at the top, a wrong name at the bottom.
    names[0] = "published_at".to_string();
    names[11] = "create_time".to_string();
    repo.write(M1, as_refs(&names));
    let mut add = repo.git_cmd(&["add", "-p", M1]);
    add.stdin(std::process::Stdio::piped());
    let mut child = add.spawn().expect("git add -p");
    {
        use std::io::Write;
        let stdin = child.stdin.as_mut().expect("stdin");
        stdin.write_all(b"y\nn\n").expect("answer git add -p");
    }
    assert!(child.wait().expect("git add -p").success());
    let run = commit(&repo, repo.path(), &["-m", "clean hunk only"]);
    assert_eq!(run.code, 0, "{run:?}");
    repo.git(&["add", M1]);
    let run = commit(&repo, repo.path(), &["-m", "the other hunk"]);
    assert_ne!(run.code, 0, "{run:?}");
    assert!(
        run.stdout.contains("`create_time` should be `created_at`"),
        "{run:?}"
    );
}

#[test]
fn hook_runs_from_a_subdirectory() {
    let repo = hooked_repo();
    repo.write(M2, migration(&["create_time"]));
    repo.git(&["add", M2]);
    let run = commit(&repo, &repo.path().join("blog/migrations"), &["-m", "x"]);
    assert_ne!(run.code, 0, "{run:?}");
    assert!(run.stdout.contains(&format!("--> {M2}:9:38")), "{run:?}");
}

#[test]
fn linked_worktree_commits_are_checked() {
    let repo = hooked_repo();
    let outer = tempfile::TempDir::new().expect("temporary directory");
    let tree = outer.path().join("tree");
    repo.git(&[
        "worktree",
        "add",
        "-q",
        "-b",
        "side",
        tree.to_str().expect("utf-8 path"),
    ]);
    std::fs::write(tree.join(M2), migration(&["create_time"])).expect("write migration");
    let mut add = repo.git_cmd(&["add", M2]);
    assert!(add.current_dir(&tree).status().expect("git add").success());
    let run = commit(&repo, &tree, &["-m", "x"]);
    assert_ne!(run.code, 0, "{run:?}");
    assert!(run.stdout.contains(&format!("--> {M2}:9:38")), "{run:?}");
    std::fs::write(tree.join(M2), migration(&["created_at"])).expect("write migration");
    let mut add = repo.git_cmd(&["add", M2]);
    assert!(add.current_dir(&tree).status().expect("git add").success());
    assert_eq!(commit(&repo, &tree, &["-m", "x"]).code, 0);
}

#[test]
fn core_hooks_path_is_honoured() {
    let repo = Repo::new();
    repo.write(M1, migration(&["title"]));
    repo.commit_all("initial");
    repo.git(&["config", "core.hooksPath", ".githooks"]);
    install(&repo, repo.path());
    assert!(repo.path().join(".githooks/pre-commit").is_file());
    repo.write(M2, migration(&["create_time"]));
    repo.git(&["add", M2]);
    let run = commit(&repo, repo.path(), &["-m", "x"]);
    assert_ne!(run.code, 0, "{run:?}");
}

#[test]
fn first_commit_with_the_hook_installed() {
    let repo = Repo::new();
    install(&repo, repo.path());
    repo.write(M1, migration(&["create_time"]));
    repo.git(&["add", "-A"]);
    let run = commit(&repo, repo.path(), &["-m", "first"]);
    assert_ne!(run.code, 0, "{run:?}");
    assert!(run.stdout.contains(&format!("--> {M1}:9:38")), "{run:?}");
}
