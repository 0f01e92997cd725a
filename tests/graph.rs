//! The migration graph checks with real repositories and real `git commit`: two leaves after
//! a merge, squashed migrations, external and missing dependencies, app labels, cycles.

use crate::support::{Repo, migration_after as migration};

/// blog/migrations/0001..0004 in a chain, committed.
fn chain(repo: &Repo) {
    repo.write("blog/migrations/__init__.py", "");
    repo.write("blog/migrations/0001_initial.py", migration(&[], "title"));
    for (number, field) in [(2, "body"), (3, "slug"), (4, "views")] {
        repo.write(
            &format!("blog/migrations/{number:04}_post_{field}.py"),
            migration(&[("blog", &previous(number))], field),
        );
    }
    repo.commit_all("blog migrations");
}

fn previous(number: usize) -> String {
    match number {
        2 => "0001_initial".to_string(),
        3 => "0002_post_body".to_string(),
        4 => "0003_post_slug".to_string(),
        _ => unreachable!("only a short chain"),
    }
}

const A: &str = "blog/migrations/0005_post_likes.py";
const B: &str = "blog/migrations/0005_post_shares.py";

/// Two branches each add a 0005 migration after 0004; `main` has one, `feature` the other.
fn diverged() -> Repo {
    let repo = Repo::new();
    chain(&repo);
    repo.git(&["checkout", "-q", "-b", "feature"]);
    repo.write(B, migration(&[("blog", "0004_post_views")], "shares"));
    repo.commit_all("feature: shares");
    repo.git(&["checkout", "-q", "main"]);
    repo.write(A, migration(&[("blog", "0004_post_views")], "likes"));
    repo.commit_all("main: likes");
    repo.install_hook(repo.path());
    repo
}

#[test]
fn merge_creating_a_second_leaf_is_blocked() {
    let repo = diverged();
    let merge = repo.git_hooked(
        repo.path(),
        &["merge", "-q", "--no-ff", "--no-commit", "feature"],
    );
    assert_eq!(merge.code, 0, "{merge:?}");
    let run = repo.git_hooked(repo.path(), &["commit", "-q", "--no-edit"]);
    assert_ne!(run.code, 0, "{run:?}");
    // One finding for the one problem, at the migration the merge brings, naming both files;
    // the shared number is part of it, not a second finding.
    assert!(
        run.stdout.contains(
            "error[multiple-leaves]: app `blog` has 2 leaf migrations (both numbered 0005): `0005_post_likes.py` and `0005_post_shares.py`"
        ),
        "{}",
        run.stdout
    );
    assert_eq!(run.stdout.matches("error[").count(), 1, "{}", run.stdout);
    assert!(!run.stdout.contains("duplicate-number"), "{}", run.stdout);
    assert!(
        run.stdout
            .contains("help: Run `python manage.py makemigrations --merge blog`"),
        "{}",
        run.stdout
    );
    assert!(
        !run.stderr.contains("ignore[rule]"),
        "no comment accepts a graph finding: {}",
        run.stderr
    );

    // Adding the merge migration makes one leaf again, and the merge commit goes through.
    repo.write(
        "blog/migrations/0006_merge.py",
        migration(
            &[("blog", "0005_post_likes"), ("blog", "0005_post_shares")],
            "merged",
        ),
    );
    repo.git(&["add", "-A"]);
    let run = repo.git_hooked(repo.path(), &["commit", "-q", "--no-edit"]);
    assert_eq!(run.code, 0, "{run:?}");
}

#[test]
fn next_commit_touching_the_app_after_an_unchecked_merge_is_blocked() {
    let repo = diverged();
    // A merge made without the merge hook.
    repo.git(&[
        "merge",
        "-q",
        "--no-ff",
        "--no-edit",
        "--no-verify",
        "feature",
    ]);
    repo.write("README.md", "unrelated\n");
    repo.git(&["add", "README.md"]);
    let run = repo.git_hooked(repo.path(), &["commit", "-q", "-m", "docs"]);
    assert_eq!(
        run.code, 0,
        "a commit not touching the app is not blocked: {run:?}"
    );
    repo.write(
        "blog/migrations/0006_post_rating.py",
        migration(&[("blog", "0005_post_likes")], "rating"),
    );
    repo.git(&["add", "-A"]);
    let run = repo.git_hooked(repo.path(), &["commit", "-q", "-m", "rating"]);
    assert_ne!(run.code, 0, "{run:?}");
    assert!(
        run.stdout.contains(
            "app `blog` has 2 leaf migrations: `0005_post_shares.py` and `0006_post_rating.py`"
        ),
        "{}",
        run.stdout
    );
    // --all sees it too.
    let run = repo.check(&["--all", "--format", "concise"]);
    assert_eq!(run.code, 1, "{run:?}");
}

#[test]
fn staged_deletion_is_part_of_the_graph() {
    let repo = Repo::new();
    chain(&repo);
    // Deleting 0003 leaves 0004 depending on a migration that is gone.
    repo.git(&["rm", "-q", "blog/migrations/0003_post_slug.py"]);
    let run = repo.check(&["--format", "concise"]);
    assert_eq!(run.code, 1, "{run:?}");
    assert_eq!(
        run.lines(),
        [
            // The two leaves follow from the missing migration: one finding, the cause.
            "blog/migrations/0004_post_views.py:7:9: error[missing-dependency] dependency on `blog.0003_post_slug`, which is not a migration in blog/migrations",
            "checked 0 migration files: 1 error, 0 warnings",
        ]
    );
}

#[test]
fn squashed_migration_with_replaced_files_deleted_passes() {
    let repo = Repo::new();
    chain(&repo);
    repo.git(&[
        "rm",
        "-q",
        "blog/migrations/0001_initial.py",
        "blog/migrations/0002_post_body.py",
        "blog/migrations/0003_post_slug.py",
    ]);
    repo.write(
        "blog/migrations/0001_squashed_0003_post_slug.py",
        migration(&[], "title").replace(
            "    dependencies = [\n    ]\n",
            "    replaces = [\n        (\"blog\", \"0001_initial\"),\n        (\"blog\", \"0002_post_body\"),\n        (\"blog\", \"0003_post_slug\"),\n    ]\n\n    dependencies = [\n    ]\n",
        ),
    );
    repo.git(&["add", "-A"]);
    // 0004 still depends on 0003_post_slug, which the squashed migration answers for.
    let run = repo.check(&["--format", "concise"]);
    assert_eq!(run.code, 0, "{run:?}");
    let run = repo.check(&["--all", "--format", "concise"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(
        run.lines(),
        ["checked 2 migration files: no problems found"]
    );
}

#[test]
fn squashed_migration_beside_its_replaced_files_is_one_node() {
    let repo = Repo::new();
    chain(&repo);
    repo.write(
        "blog/migrations/0001_squashed_0004_post_views.py",
        migration(&[], "title").replace(
            "    dependencies = [\n    ]\n",
            "    replaces = [(\"blog\", \"0001_initial\"), (\"blog\", \"0002_post_body\"), (\"blog\", \"0003_post_slug\"), (\"blog\", \"0004_post_views\")]\n\n    dependencies = [\n    ]\n",
        ),
    );
    repo.write(A, migration(&[("blog", "0004_post_views")], "likes"));
    let run = repo.check(&["--all", "--format", "concise"]);
    assert_eq!(run.code, 0, "no second leaf, no duplicate 0001: {run:?}");
}

#[test]
fn external_dependencies_are_never_reported() {
    let repo = Repo::new();
    let text = "from django.conf import settings\nfrom django.db import migrations, models\n\n\nclass Migration(migrations.Migration):\n\n    initial = True\n\n    dependencies = [\n        (\"auth\", \"0012_alter_user_first_name_max_length\"),\n        (\"contenttypes\", \"__latest__\"),\n        (\"blog\", \"__first__\"),\n        migrations.swappable_dependency(settings.AUTH_USER_MODEL),\n    ]\n\n    operations = []\n";
    repo.write("shop/migrations/0001_initial.py", text);
    repo.write("blog/migrations/0001_initial.py", migration(&[], "title"));
    repo.git(&["add", "-A"]);
    let run = repo.check(&["--format", "concise"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(
        run.lines(),
        ["checked 2 migration files: no problems found"]
    );
}

#[test]
fn typo_in_a_dependency_is_a_missing_dependency() {
    let repo = Repo::new();
    chain(&repo);
    repo.write(A, migration(&[("blog", "0004_post_view")], "likes"));
    repo.git(&["add", A]);
    let run = repo.check(&["--format", "concise"]);
    assert_eq!(run.code, 1, "{run:?}");
    assert_eq!(
        run.lines(),
        [
            "blog/migrations/0005_post_likes.py:7:9: error[missing-dependency] dependency on `blog.0004_post_view`, which is not a migration in blog/migrations",
            "checked 1 migration file: 1 error, 0 warnings",
        ]
    );
    // The full format says which name was meant.
    let run = repo.check(&[]);
    assert!(
        run.stdout
            .contains("help: did you mean `(\"blog\", \"0004_post_views\")`?"),
        "{}",
        run.stdout
    );
}

#[test]
fn apps_with_the_same_directory_name_use_configured_labels() {
    let repo = Repo::new();
    repo.write(
        "apps/core/migrations/0001_initial.py",
        migration(&[], "title"),
    );
    repo.write(
        "libs/core/migrations/0001_initial.py",
        migration(&[], "title"),
    );
    repo.write(
        "libs/core/migrations/0002_more.py",
        migration(&[("libcore", "0001_initial")], "more"),
    );
    repo.write(
        "apps/core/migrations/0002_uses_lib.py",
        migration(
            &[("core", "0001_initial"), ("libcore", "0002_more")],
            "uses",
        ),
    );
    repo.write(
        ".check-migrate.toml",
        "[app-labels]\n\"libs/core\" = \"libcore\"\n",
    );
    let run = repo.check(&["--all", "--format", "concise"]);
    assert_eq!(run.code, 0, "{run:?}");
    // Without the config, the libs app's migrations say its label: they name their own
    // `0001_initial` as `libcore`, a label no other directory has.
    let run = repo.check(&["--all", "--format", "concise", "--no-config"]);
    assert_eq!(run.code, 0, "{run:?}");
    // A label the config gets wrong is still believed: the config wins.
    repo.write(
        ".check-migrate.toml",
        "[app-labels]\n\"libs/core\" = \"core_lib\"\n",
    );
    let run = repo.check(&["--all", "--format", "concise"]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(
        run.stdout
            .contains("error[multiple-leaves] app `core_lib` has 2 leaf migrations"),
        "{}",
        run.stdout
    );
}

#[test]
fn dependency_cycle_is_named() {
    let repo = Repo::new();
    repo.write(
        "blog/migrations/0001_initial.py",
        migration(&[("shop", "0002_order")], "title"),
    );
    repo.write("shop/migrations/0001_initial.py", migration(&[], "title"));
    repo.write(
        "shop/migrations/0002_order.py",
        migration(
            &[("shop", "0001_initial"), ("blog", "0001_initial")],
            "total",
        ),
    );
    let run = repo.check(&["--all", "--format", "concise"]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(
        run.stdout.contains("blog/migrations/0001_initial.py:6:5: error[dependency-cycle] dependency cycle: blog.0001_initial -> shop.0002_order -> blog.0001_initial (each depends on the next)"),
        "{}",
        run.stdout
    );
}

#[test]
fn graph_rules_can_be_switched_off() {
    let repo = Repo::new();
    chain(&repo);
    repo.write(A, migration(&[("blog", "0004_post_view")], "likes"));
    repo.write(
        ".check-migrate.toml",
        "[severity]\nmultiple-leaves = \"off\"\nmissing-dependency = \"warning\"\n",
    );
    let run = repo.check(&["--all", "--format", "concise"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(
        run.lines(),
        [
            "blog/migrations/0005_post_likes.py:7:9: warning[missing-dependency] dependency on `blog.0004_post_view`, which is not a migration in blog/migrations",
            "checked 5 migration files: 0 errors, 1 warning",
        ]
    );
}

#[test]
fn since_checks_the_graph_at_head() {
    let repo = diverged();
    repo.git(&[
        "merge",
        "-q",
        "--no-ff",
        "--no-edit",
        "--no-verify",
        "feature",
    ]);
    let run = repo.check(&["--since", "HEAD~1", "--format", "concise"]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(run.stdout.contains("error[multiple-leaves]"), "{run:?}");
}

#[test]
fn merge_hook_reports_the_graph_not_names_the_branch_brought() {
    let repo = Repo::new();
    chain(&repo);
    repo.git(&["checkout", "-q", "-b", "feature"]);
    repo.write(B, migration(&[("blog", "0004_post_views")], "craete_time"));
    repo.commit_all("feature: committed without the hook");
    repo.git(&["checkout", "-q", "main"]);
    repo.write("README.md", "main moves on\n");
    repo.commit_all("main: docs");
    repo.install_hook(repo.path());
    // git runs pre-merge-commit before it writes MERGE_HEAD; the hook says it is merging.
    let run = repo.git_hooked(
        repo.path(),
        &["merge", "-q", "--no-ff", "--no-edit", "feature"],
    );
    assert_eq!(run.code, 0, "{run:?}");
}

/// `--merge` is what the merge hook runs; hooks installed before it was named say
/// `--merging`, which still works.
#[test]
fn merge_flag_and_its_old_name() {
    let repo = Repo::new();
    chain(&repo);
    repo.write(B, migration(&[("blog", "0004_post_views")], "craete_time"));
    repo.git(&["add", "-A"]);
    assert_eq!(repo.check(&[]).code, 1);
    for flag in ["--merge", "--merging"] {
        let run = repo.check(&[flag, "--format", "concise"]);
        assert_eq!(run.code, 0, "{flag}: {run:?}");
        assert!(run.stdout.contains("no problems found"), "{flag}: {run:?}");
    }
}

#[test]
fn helper_module_in_migrations_is_not_a_leaf() {
    let repo = Repo::new();
    chain(&repo);
    repo.write(
        "blog/migrations/utils.py",
        "def forwards(apps, schema_editor):\n    pass\n",
    );
    let run = repo.check(&["--all", "--format", "concise"]);
    assert_eq!(run.code, 0, "{run:?}");
}

#[test]
fn squash_of_a_squash_stands_for_everything() {
    let repo = Repo::new();
    chain(&repo);
    let squash = |replaces: &str| {
        migration(&[], "title").replace(
            "    dependencies = [\n    ]\n",
            &format!("    replaces = [{replaces}]\n\n    dependencies = [\n    ]\n"),
        )
    };
    repo.write(
        "blog/migrations/0001_squashed_0002.py",
        squash("(\"blog\", \"0001_initial\"), (\"blog\", \"0002_post_body\")"),
    );
    repo.write(
        "blog/migrations/0001_squashed_0003.py",
        squash("(\"blog\", \"0001_squashed_0002\"), (\"blog\", \"0003_post_slug\")"),
    );
    // 0004 names a migration the first squash replaced: it resolves to the second squash.
    repo.write(
        "blog/migrations/0004_post_views.py",
        migration(&[("blog", "0002_post_body")], "views"),
    );
    let run = repo.check(&["--all", "--format", "concise"]);
    assert_eq!(run.code, 0, "{run:?}");
}

#[test]
fn staged_dependency_on_an_untouched_app_is_checked() {
    let repo = Repo::new();
    chain(&repo);
    repo.write("shop/migrations/0001_initial.py", migration(&[], "total"));
    // The untouched app has two leaves already: not this commit's doing.
    repo.write(
        "shop/migrations/0002_a.py",
        migration(&[("shop", "0001_initial")], "a"),
    );
    repo.write(
        "shop/migrations/0002_b.py",
        migration(&[("shop", "0001_initial")], "b"),
    );
    repo.commit_all("shop");
    repo.write(
        A,
        migration(&[("blog", "0004_post_views"), ("shop", "0002_a")], "likes"),
    );
    repo.git(&["add", A]);
    let run = repo.check(&["--format", "concise"]);
    assert_eq!(run.code, 0, "{run:?}");
    repo.write(
        A,
        migration(
            &[("blog", "0004_post_views"), ("shop", "0002_typo")],
            "likes",
        ),
    );
    repo.git(&["add", A]);
    let run = repo.check(&["--format", "concise"]);
    assert_eq!(run.code, 1, "{run:?}");
    assert_eq!(
        run.lines(),
        [
            "blog/migrations/0005_post_likes.py:8:9: error[missing-dependency] dependency on `shop.0002_typo`, which is not a migration in shop/migrations",
            "checked 1 migration file: 1 error, 0 warnings",
        ]
    );
    // CI sees what the hook sees: --since looks up the untouched app at HEAD.
    repo.git(&["commit", "-q", "--no-verify", "-m", "likes"]);
    let since = repo.check(&["--since", "HEAD~1", "--format", "concise"]);
    assert_eq!(since.stdout, run.stdout, "{since:?}");
    assert_eq!(since.code, 1);
    let all = repo.check(&["--all", "--format", "concise"]);
    assert!(
        all.stdout
            .contains("error[missing-dependency] dependency on `shop.0002_typo`"),
        "{all:?}"
    );
}

#[test]
fn staged_dependency_on_a_migration_squashed_in_an_untouched_app_resolves() {
    let repo = Repo::new();
    chain(&repo);
    repo.write(
        "shop/migrations/0001_squashed_0002.py",
        migration(&[], "total").replace(
            "    dependencies = [\n    ]\n",
            "    replaces = [(\"shop\", \"0001_initial\"), (\"shop\", \"0002_order\")]\n\n    dependencies = [\n    ]\n",
        ),
    );
    repo.commit_all("shop, squashed, replaced files gone");
    repo.write(
        A,
        migration(
            &[("blog", "0004_post_views"), ("shop", "0002_order")],
            "likes",
        ),
    );
    repo.git(&["add", A]);
    let run = repo.check(&["--format", "concise"]);
    assert_eq!(run.code, 0, "{run:?}");
}

/// Python binds the last `Migration` class of a file. When it has no `dependencies` after an
/// earlier class that does, every mode must read the last one: staged mode (which reads the
/// app's other migrations header-first) as `--all` does.
#[test]
fn the_last_migration_class_counts_in_every_mode() {
    let repo = Repo::new();
    chain(&repo);
    // 0004's text still has a first class depending on 0003, but the class Django loads
    // depends on nothing: 0004 is a root of its own, and the app has two leaves.
    let two_classes = migration(&[("blog", "0003_post_slug")], "views")
        + "\n\nclass Migration(migrations.Migration):\n    operations = []\n";
    repo.write("blog/migrations/0004_post_views.py", &two_classes);
    repo.commit_all("two classes");
    repo.write(A, migration(&[("blog", "0004_post_views")], "likes"));
    repo.git(&["add", A]);
    let staged = repo.check(&["--format", "concise"]);
    let all = repo.check(&["--all", "--format", "concise"]);
    for run in [&staged, &all] {
        assert_eq!(run.code, 1, "{run:?}");
        assert!(
            run.stdout.contains(
                "app `blog` has 2 leaf migrations: `0003_post_slug.py` and `0005_post_likes.py`"
            ),
            "{run:?}"
        );
    }
}
