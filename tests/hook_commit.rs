//! The hook as git runs it: `install.sh` puts it in place, and real `git commit` invocations
//! (plain, `-a`, `-- path`, partial staging, worktrees) are blocked or let through.

use std::path::Path;

use crate::support::{M1, M2, Repo, Run, migration, second};

/// `git commit -q` with the hook's binary on PATH.
fn commit(repo: &Repo, dir: &Path, args: &[&str]) -> Run {
    let mut all = vec!["commit", "-q"];
    all.extend_from_slice(args);
    repo.git_hooked(dir, &all)
}

/// A repository with one clean migration committed and the hook installed.
fn hooked_repo() -> Repo {
    let repo = Repo::new();
    repo.write("blog/migrations/__init__.py", "");
    repo.write(M1, migration(&["title"]));
    repo.commit_all("initial");
    repo.install_hook(repo.path());
    repo
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
    repo.write(M2, second(&["craete_time"]));
    repo.git(&["add", M2]);
    let run = commit(&repo, repo.path(), &["-m", "add times"]);
    assert_ne!(run.code, 0, "{run:?}");
    assert!(
        run.stdout.contains("`craete_time` should be `create_time`"),
        "{run:?}"
    );
    assert!(run.stdout.contains(&format!("--> {M2}:9:38")), "{run:?}");
    assert_eq!(head_count(&repo), 1);
}

#[test]
fn clean_commit_goes_through() {
    let repo = hooked_repo();
    repo.write(M2, second(&["create_time"]));
    repo.git(&["add", M2]);
    let run = commit(&repo, repo.path(), &["-m", "add times"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(head_count(&repo), 2);
}

#[test]
fn staged_wrong_name_fixed_only_in_worktree_still_blocks() {
    let repo = hooked_repo();
    repo.write(M2, second(&["craete_time"]));
    repo.git(&["add", M2]);
    repo.write(M2, second(&["create_time"]));
    let run = commit(&repo, repo.path(), &["-m", "add times"]);
    assert_ne!(run.code, 0, "{run:?}");
    assert_eq!(head_count(&repo), 1);
}

#[test]
fn staged_clean_but_broken_in_worktree_commits() {
    let repo = hooked_repo();
    repo.write(M2, second(&["create_time"]));
    repo.git(&["add", M2]);
    repo.write(M2, second(&["craete_time"]));
    let run = commit(&repo, repo.path(), &["-m", "add times"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(head_count(&repo), 2);
}

#[test]
fn commit_all_uses_temporary_index() {
    let repo = hooked_repo();
    // Only in the working tree: `git commit -a` stages it into a temporary index.
    repo.write(M1, migration(&["title", "udpate_time"]));
    let run = commit(&repo, repo.path(), &["-a", "-m", "edit"]);
    assert_ne!(run.code, 0, "{run:?}");
    assert!(
        run.stdout.contains("`udpate_time` should be `update_time`"),
        "{run:?}"
    );
    assert_eq!(head_count(&repo), 1);
}

#[test]
fn commit_with_pathspec_uses_temporary_index() {
    let repo = hooked_repo();
    repo.write(M1, migration(&["title", "udpate_time"]));
    let run = commit(&repo, repo.path(), &["-m", "edit", "--", M1]);
    assert_ne!(run.code, 0, "{run:?}");
    assert!(run.stdout.contains(&format!("--> {M1}:10:38")), "{run:?}");
    // The same path, fixed, goes through although the real index holds nothing staged.
    repo.write(M1, migration(&["title", "update_time"]));
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
    repo.install_hook(repo.path());
    // Two hunks far apart: a clean one at the top, a wrong name at the bottom.
    names[0] = "published_at".to_string();
    names[11] = "craete_time".to_string();
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
        run.stdout.contains("`craete_time` should be `create_time`"),
        "{run:?}"
    );
}

#[test]
fn hook_runs_from_a_subdirectory() {
    let repo = hooked_repo();
    repo.write(M2, second(&["craete_time"]));
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
    std::fs::write(tree.join(M2), second(&["craete_time"])).expect("write migration");
    let mut add = repo.git_cmd(&["add", M2]);
    assert!(add.current_dir(&tree).status().expect("git add").success());
    let run = commit(&repo, &tree, &["-m", "x"]);
    assert_ne!(run.code, 0, "{run:?}");
    assert!(run.stdout.contains(&format!("--> {M2}:9:38")), "{run:?}");
    std::fs::write(tree.join(M2), second(&["create_time"])).expect("write migration");
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
    repo.install_hook(repo.path());
    assert!(repo.path().join(".githooks/pre-commit").is_file());
    repo.write(M2, second(&["craete_time"]));
    repo.git(&["add", M2]);
    let run = commit(&repo, repo.path(), &["-m", "x"]);
    assert_ne!(run.code, 0, "{run:?}");
}

#[test]
fn first_commit_with_the_hook_installed() {
    let repo = Repo::new();
    repo.install_hook(repo.path());
    repo.write(M1, migration(&["craete_time"]));
    repo.git(&["add", "-A"]);
    let run = commit(&repo, repo.path(), &["-m", "first"]);
    assert_ne!(run.code, 0, "{run:?}");
    assert!(run.stdout.contains(&format!("--> {M1}:9:38")), "{run:?}");
}

/// Edits that make a committed, harmless line's name live are blocked by the real commit:
/// the call edited from `AlterField(` into `AddField(`, the `"""` taken out around an
/// `AddField`, and a lone carriage return that ends the comment hiding one.
#[test]
fn commit_making_an_old_line_live_is_blocked() {
    let head = "from django.db import migrations, models\n\n\nclass Migration(migrations.Migration):\n    dependencies = [(\"blog\", \"0001_initial\")]\n    operations = [\n";
    let op = "        migrations.AddField(\"post\", \"craete_time\", models.DateTimeField()),\n";
    let cases = [
        (
            "kind",
            format!("{head}{}    ]\n", op.replace("AddField", "AlterField")),
            format!("{head}{op}    ]\n"),
        ),
        (
            "string",
            format!("{head}        \"\"\"\n{op}        \"\"\",\n    ]\n"),
            format!("{head}{op}    ]\n"),
        ),
        (
            "lone CR",
            format!("{head}        # note\n{op}    ]\n")
                .replace("# note\n        migrations", "# note migrations"),
            format!("{head}        # note\r{op}    ]\n"),
        ),
    ];
    for (what, before, after) in cases {
        let repo = hooked_repo();
        repo.write(M2, &before);
        repo.git(&["add", M2]);
        let run = commit(&repo, repo.path(), &["-m", "harmless"]);
        assert_eq!(run.code, 0, "{what}, harmless version: {run:?}");
        repo.write(M2, &after);
        repo.git(&["add", M2]);
        let run = commit(&repo, repo.path(), &["-m", "made live"]);
        assert_ne!(run.code, 0, "{what}: {run:?}");
        assert!(
            run.stdout.contains("`craete_time` should be `create_time`"),
            "{what}: {run:?}"
        );
        assert_eq!(head_count(&repo), 2, "{what}");
    }
}

/// A bare repository given a working tree with `GIT_WORK_TREE` (the layout of dotfile and
/// deployment setups) commits like a normal one: the hook reads its index and blocks.
#[test]
fn bare_repository_with_git_work_tree_is_checked() {
    let repo = Repo::new();
    let bare = repo.path().join("project.git");
    let tree = repo.path().join("tree");
    std::fs::create_dir_all(tree.join("blog/migrations")).expect("work tree");
    repo.git(&["init", "-q", "--bare", "project.git"]);
    let with_env = |mut cmd: std::process::Command| {
        cmd.env("GIT_DIR", &bare).env("GIT_WORK_TREE", &tree);
        cmd
    };
    let git = |args: &[&str]| {
        let out = with_env(repo.git_cmd(args))
            .current_dir(&tree)
            .env("PATH", crate::support::path_with_binary())
            .output()
            .expect("run git");
        Run::combined(out)
    };
    std::fs::write(tree.join("blog/migrations/__init__.py"), "").expect("write");
    std::fs::write(tree.join(M1), migration(&["title"])).expect("write");
    assert_eq!(git(&["add", "."]).code, 0);
    assert_eq!(git(&["commit", "-q", "-m", "initial"]).code, 0);
    // install.sh takes a working tree with its own repository; here the hook is put in the
    // bare repository's hooks directory by hand, as the README says.
    let hook = bare.join("hooks/pre-commit");
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("hooks/pre-commit"),
        &hook,
    )
    .expect("copy the hook");
    let status = std::process::Command::new("chmod")
        .arg("+x")
        .arg(&hook)
        .status()
        .expect("chmod");
    assert!(status.success());
    std::fs::write(tree.join(M2), second(&["craete_time"])).expect("write");
    assert_eq!(git(&["add", M2]).code, 0);
    let run = git(&["commit", "-q", "-m", "times"]);
    assert_ne!(run.code, 0, "{run:?}");
    assert!(
        run.stdout.contains("`craete_time` should be `create_time`"),
        "{run:?}"
    );
    std::fs::write(tree.join(M2), second(&["create_time"])).expect("write");
    assert_eq!(git(&["add", M2]).code, 0);
    let run = git(&["commit", "-q", "-m", "times"]);
    assert_eq!(run.code, 0, "{run:?}");
}
