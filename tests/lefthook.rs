//! The README's `lefthook.yml`, taken from the README itself and installed with the real
//! `lefthook install`: commits and merges are checked through lefthook's hooks.

use std::fs;
use std::path::Path;
use std::process::Command;

use crate::support::tools::tool;
use crate::support::{
    M1, M2, Repo, Run, clean, migration, migration_after, path_with_binary, second,
};

/// The README's lefthook configuration: the `yaml` block that starts with its comment.
fn recipe() -> String {
    let readme = fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md"))
        .expect("read README.md");
    let start = "```yaml\n# lefthook.yml:";
    let at = readme.find(start).expect("the README shows a lefthook.yml") + "```yaml\n".len();
    let len = readme[at..].find("```").expect("the block ends");
    readme[at..at + len].to_string()
}

/// A repository with one clean migration, the README's `lefthook.yml` committed and
/// `lefthook install` run; nothing of ours in the hooks directory.
fn lefthook_repo() -> Repo {
    let repo = Repo::new();
    repo.write("blog/migrations/__init__.py", "");
    repo.write(M1, migration(&["title"]));
    repo.write("lefthook.yml", recipe());
    repo.commit_all("initial");
    let mut cmd = Command::new(tool("lefthook"));
    cmd.arg("install").current_dir(repo.path());
    clean(&mut cmd, repo.home());
    cmd.env("PATH", path_with_binary());
    let run = Run::combined(cmd.output().expect("run lefthook install"));
    assert_eq!(run.code, 0, "lefthook install: {run:?}");
    for name in ["pre-commit", "pre-merge-commit"] {
        let hook = fs::read_to_string(repo.path().join(".git/hooks").join(name))
            .unwrap_or_else(|_| panic!("lefthook installed no {name}: {run:?}"));
        assert!(hook.contains("lefthook"), "{name} is not lefthook's");
        assert!(!hook.contains("check-migrate-hook"), "{name} is ours");
    }
    repo
}

fn head(repo: &Repo) -> String {
    repo.git(&["rev-parse", "HEAD"]).trim().to_string()
}

#[test]
fn lefthook_recipe_blocks_a_commit_adding_a_wrong_name() {
    let repo = lefthook_repo();
    let before = head(&repo);
    repo.write(M2, second(&["craete_time"]));
    repo.git(&["add", M2]);

    let run = repo.git_hooked(repo.path(), &["commit", "-q", "-m", "times"]);

    assert_ne!(run.code, 0, "{run:?}");
    assert!(
        run.stdout.contains("`craete_time` should be `create_time`"),
        "{run:?}"
    );
    assert_eq!(head(&repo), before);
}

#[test]
fn lefthook_recipe_lets_a_clean_commit_through() {
    let repo = lefthook_repo();
    let before = head(&repo);
    repo.write(M2, second(&["create_time"]));
    repo.git(&["add", M2]);

    let run = repo.git_hooked(repo.path(), &["commit", "-q", "-m", "times"]);

    assert_eq!(run.code, 0, "{run:?}");
    assert!(
        run.stdout.contains("check-migrate"),
        "lefthook ran no job: {run:?}"
    );
    assert_ne!(head(&repo), before);
}

#[test]
fn lefthook_recipe_blocks_a_clean_merge_that_leaves_two_leaves() {
    let repo = lefthook_repo();
    repo.git(&["checkout", "-q", "-b", "feature"]);
    repo.write(
        "blog/migrations/0002_post_shares.py",
        migration_after(&[("blog", "0001_initial")], "shares"),
    );
    repo.commit_all("feature: shares");
    repo.git(&["checkout", "-q", "main"]);
    repo.write(
        "blog/migrations/0002_post_likes.py",
        migration_after(&[("blog", "0001_initial")], "likes"),
    );
    repo.commit_all("main: likes");
    let before = head(&repo);

    // Different files, so git merges on its own and runs only pre-merge-commit.
    let run = repo.git_hooked(repo.path(), &["merge", "--no-edit", "feature"]);

    assert_ne!(run.code, 0, "{run:?}");
    assert!(run.stdout.contains("error[multiple-leaves]"), "{run:?}");
    assert_eq!(head(&repo), before, "the merge was made: {run:?}");
}
