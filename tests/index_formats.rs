//! Every index git writes, with real `git commit` through the installed hook: a split index,
//! a sparse index (migrations inside and outside the cone), index version 4, the untracked
//! cache; and a SHA-256 repository, which gets one clear error rather than a wrong answer.

use crate::support::{Repo, migration_after as migration};

const WRONG: &str = "from django.db import migrations, models\n\n\nclass Migration(migrations.Migration):\n\n    dependencies = [(\"blog\", \"0001_initial\")]\n\n    operations = [\n        migrations.AddField(\"post\", \"craete_time\", models.DateTimeField(null=True)),\n    ]\n";

/// Two apps committed, the hook installed, then `setup` run (which turns a format on).
fn repo_with(setup: &[&[&str]]) -> Repo {
    let repo = Repo::new();
    repo.write("blog/migrations/0001_initial.py", migration(&[], "title"));
    repo.write("shop/migrations/0001_initial.py", migration(&[], "total"));
    repo.write(
        "shop/migrations/0002_order_note.py",
        migration(&[("shop", "0001_initial")], "note"),
    );
    repo.write("README.md", "project\n");
    repo.commit_all("initial");
    for args in setup {
        repo.git(args);
    }
    repo.install_hook(repo.path());
    repo
}

/// A good commit passes, a wrong name is blocked, a second leaf is blocked, and `--all`
/// reads the same index.
fn hook_works(repo: &Repo) {
    repo.write(
        "blog/migrations/0002_post_views.py",
        migration(&[("blog", "0001_initial")], "views"),
    );
    repo.git(&["add", "blog"]);
    let run = repo.git_hooked(repo.path(), &["commit", "-q", "-m", "views"]);
    assert_eq!(run.code, 0, "a good commit passes: {run:?}");

    repo.write(
        "blog/migrations/0003_post_created.py",
        WRONG.replace("0001_initial", "0002_post_views"),
    );
    repo.git(&["add", "blog"]);
    let run = repo.git_hooked(repo.path(), &["commit", "-q", "-m", "created"]);
    assert_ne!(run.code, 0, "{run:?}");
    assert!(
        run.stdout
            .contains("error[field-name]: `craete_time` should be `create_time`"),
        "{run:?}"
    );
    repo.git(&[
        "rm",
        "-q",
        "--cached",
        "blog/migrations/0003_post_created.py",
    ]);
    std::fs::remove_file(repo.path().join("blog/migrations/0003_post_created.py")).expect("remove");

    repo.write(
        "blog/migrations/0002_post_likes.py",
        migration(&[("blog", "0001_initial")], "likes"),
    );
    repo.git(&["add", "blog"]);
    let run = repo.git_hooked(repo.path(), &["commit", "-q", "-m", "likes"]);
    assert_ne!(run.code, 0, "{run:?}");
    assert!(run.stdout.contains("error[multiple-leaves]"), "{run:?}");

    let run = repo.check(&["--all", "--format", "concise"]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(run.stdout.contains("error[multiple-leaves]"), "{run:?}");
    assert_eq!(run.stderr, "", "{run:?}");
}

#[test]
fn split_index_works_in_every_mode() {
    let repo = repo_with(&[&["update-index", "--split-index"]]);
    let shared = std::fs::read_dir(repo.path().join(".git"))
        .expect("git dir")
        .flatten()
        .any(|e| e.file_name().to_string_lossy().starts_with("sharedindex."));
    assert!(shared, "the index is split");
    hook_works(&repo);
}

#[test]
fn split_index_with_a_rename_that_needs_similarity() {
    let repo = repo_with(&[]);
    // A migration accepted long ago with a wrong name on line 9.
    let fields: String = (0..12)
        .map(|i| match i {
            0 => {
                "        migrations.AddField(\"order\", \"craete_time\", models.DateTimeField()),\n"
                    .to_string()
            }
            i => format!(
                "        migrations.AddField(\"order\", \"field_{i}\", models.IntegerField()),\n"
            ),
        })
        .collect();
    let old = format!(
        "from django.db import migrations, models\n\n\nclass Migration(migrations.Migration):\n\n    dependencies = [(\"shop\", \"0002_order_note\")]\n\n    operations = [\n{fields}    ]\n"
    );
    repo.write("shop/migrations/0003_order_fields.py", &old);
    repo.commit_all("fields");
    repo.git(&["update-index", "--split-index"]);
    // Moved and edited: only a similarity measure pairs the two, which is libgit2's diff,
    // fed with the index our reader read.
    repo.git(&[
        "mv",
        "shop/migrations/0003_order_fields.py",
        "shop/migrations/0003_order_more.py",
    ]);
    repo.write(
        "shop/migrations/0003_order_more.py",
        old.replace("\"field_5\"", "\"udpate_time\""),
    );
    repo.git(&["add", "-A"]);
    let run = repo.check(&["--format", "concise", "--timings"]);
    assert_eq!(run.code, 1, "{run:?}");
    assert_eq!(
        run.lines(),
        [
            "shop/migrations/0003_order_more.py:14:39: error[field-name] `udpate_time` should be `update_time`",
            "checked 1 migration file: 1 error, 0 warnings",
        ],
        "only the edited line counts: {run:?}"
    );
    assert!(run.stderr.contains("diff HEAD..index (libgit2)"), "{run:?}");
}

#[test]
fn sparse_index_works_inside_and_outside_the_cone() {
    let repo = repo_with(&[
        &["config", "index.sparse", "true"],
        &["sparse-checkout", "set", "--cone", "--sparse-index", "blog"],
    ]);
    assert!(
        !repo.path().join("shop").exists(),
        "shop is outside the cone"
    );
    // A dependency on the app outside the cone resolves through the expanded index.
    repo.write(
        "blog/migrations/0002_post_shop.py",
        migration(
            &[("blog", "0001_initial"), ("shop", "0002_order_note")],
            "shop_ref",
        ),
    );
    repo.git(&["add", "blog"]);
    let run = repo.check(&["--format", "concise"]);
    assert_eq!(run.code, 0, "{run:?}");
    repo.write(
        "blog/migrations/0002_post_shop.py",
        migration(
            &[("blog", "0001_initial"), ("shop", "0002_order_notes")],
            "shop_ref",
        ),
    );
    repo.git(&["add", "blog"]);
    let run = repo.check(&["--format", "concise"]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(
        run.stdout
            .contains("error[missing-dependency] dependency on `shop.0002_order_notes`"),
        "{run:?}"
    );
    repo.git(&["rm", "-q", "--cached", "blog/migrations/0002_post_shop.py"]);
    std::fs::remove_file(repo.path().join("blog/migrations/0002_post_shop.py")).expect("remove");
    hook_works(&repo);
}

#[test]
fn index_version_4_and_the_untracked_cache_work() {
    let repo = repo_with(&[
        &["update-index", "--index-version", "4"],
        &["config", "core.untrackedCache", "true"],
        &["update-index", "--untracked-cache"],
    ]);
    hook_works(&repo);
}

#[test]
fn sha256_repository_gets_one_clear_error() {
    let repo = Repo::new();
    std::fs::remove_dir_all(repo.path().join(".git")).expect("remove .git");
    repo.git(&["init", "-q", "--object-format=sha256"]);
    repo.write("blog/migrations/0001_initial.py", WRONG);
    repo.git(&["add", "-A"]);
    let run = repo.check(&[]);
    assert_eq!(run.code, 2, "{run:?}");
    let lines: Vec<&str> = run.stderr.lines().collect();
    assert_eq!(lines.len(), 1, "{run:?}");
    assert!(lines[0].starts_with("error: "), "{run:?}");
    assert!(lines[0].contains("SHA-256"), "{run:?}");
}

/// Our reader of a split index against git's own view of it: the files staged mode reports
/// are exactly those `git diff --cached` names, after replacements, deletions and additions
/// relative to the shared index.
#[test]
fn split_index_joins_like_git() {
    let repo = Repo::new();
    let path = |i: usize| format!("app{}/migrations/{:04}_m.py", i % 4, i);
    for i in 0..40 {
        repo.write(&path(i), migration(&[], &format!("field_{i}")));
    }
    repo.commit_all("forty");
    repo.git(&["config", "splitIndex.maxPercentChange", "100"]);
    repo.git(&["update-index", "--split-index"]);
    for round in 0..2 {
        for i in (round * 7..40).step_by(9) {
            repo.write(&path(i), migration(&[], "craete_time"));
        }
        for i in [3 + round, 17 + round, 29 + round] {
            if repo.path().join(path(i)).exists() {
                repo.git(&["rm", "-q", "-f", &path(i)]);
            }
        }
        for i in 0..3 {
            repo.write(
                &format!("new{round}/migrations/{i:04}_n.py"),
                migration(&[], "craete_time"),
            );
        }
        repo.git(&["add", "-A"]);
        let expected = repo.git(&[
            "diff",
            "--cached",
            "--name-only",
            "--no-renames",
            "--diff-filter=AM",
        ]);
        let expected: Vec<&str> = expected.lines().collect();
        let run = repo.check(&["--format", "concise", "--no-config"]);
        let mut files: Vec<&str> = run
            .lines()
            .iter()
            .filter(|line| line.contains("error[field-name]"))
            .filter_map(|line| line.split(':').next())
            .collect();
        files.dedup();
        assert_eq!(files, expected, "round {round}: {run:?}");
    }
    let link = std::fs::read(repo.path().join(".git/index")).expect("index");
    assert!(link.windows(4).any(|w| w == b"link"), "still split");
}
