//! `--fix` and `--diff` on a real Django project (Django from PyPI, installed by
//! `.ci/tools.sh`): the model and the uncommitted migration both get the right name and
//! `makemigrations --check` finds nothing to do; a name a committed migration introduced
//! gets a RenameField migration instead, after which `makemigrations --check` is clean too.

use std::path::PathBuf;
use std::process::Command;

use crate::support::{Repo, Run, tools};

const SETTINGS: &str = "SECRET_KEY = \"test\"\nINSTALLED_APPS = [\"blog\"]\nDATABASES = {\"default\": {\"ENGINE\": \"django.db.backends.sqlite3\", \"NAME\": \"db.sqlite3\"}}\nDEFAULT_AUTO_FIELD = \"django.db.models.BigAutoField\"\nUSE_TZ = True\n";

const MANAGE: &str = "import os\nimport sys\n\nif __name__ == \"__main__\":\n    os.environ.setdefault(\"DJANGO_SETTINGS_MODULE\", \"proj.settings\")\n    from django.core.management import execute_from_command_line\n\n    execute_from_command_line(sys.argv)\n";

const MODELS: &str = "from django.db import models\n\n\nclass Post(models.Model):\n    title = models.CharField(max_length=200)\n    create_time = models.DateTimeField(auto_now_add=True)\n";

/// The Python of the tools' virtual environment, with Django.
fn python() -> PathBuf {
    let admin = tools::tool("django-admin");
    admin.with_file_name("python")
}

fn manage(repo: &Repo, args: &[&str]) -> Run {
    let output = Command::new(python())
        .arg("manage.py")
        .args(args)
        .current_dir(repo.path())
        .output()
        .expect("run manage.py");
    Run::from(output)
}

/// A project whose settings and (empty) app are committed; the model is not yet migrated.
fn project() -> Repo {
    let repo = Repo::new();
    repo.write("manage.py", MANAGE);
    repo.write("proj/__init__.py", "");
    repo.write("proj/settings.py", SETTINGS);
    repo.write("blog/__init__.py", "");
    repo.write("blog/migrations/__init__.py", "");
    repo.write("blog/models.py", "from django.db import models\n");
    repo.write(".gitignore", "db.sqlite3\n__pycache__/\n");
    repo.write(".check-migrate.toml", "conventions = [\"timestamps-at\"]\n");
    repo.commit_all("project");
    repo.write("blog/models.py", MODELS);
    let run = manage(&repo, &["makemigrations", "blog"]);
    assert_eq!(run.code, 0, "makemigrations: {run:?}");
    repo
}

fn read(repo: &Repo, path: &str) -> String {
    std::fs::read_to_string(repo.path().join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

#[test]
fn fix_renames_the_model_and_the_new_migration() {
    let repo = project();
    repo.git(&["add", "-A"]);
    let blocked = repo.check(&["--format", "concise"]);
    assert_eq!(blocked.code, 1, "{blocked:?}");
    let migration = "blog/migrations/0001_initial.py";
    let before = (read(&repo, "blog/models.py"), read(&repo, migration));
    // --diff writes nothing and shows every line --fix changes.
    let diff = repo.check(&["--diff"]);
    assert_eq!(diff.code, 1, "changes pending: {diff:?}");
    assert_eq!(
        (read(&repo, "blog/models.py"), read(&repo, migration)),
        before
    );
    let fix = repo.check(&["--fix"]);
    assert_eq!(fix.code, 0, "{fix:?}");
    assert_eq!(
        fix.stdout,
        format!("fixed {migration}\nfixed blog/models.py\n")
    );
    assert!(
        fix.stderr.contains("renamed `create_time` to `created_at`"),
        "{fix:?}"
    );
    let after = (read(&repo, "blog/models.py"), read(&repo, migration));
    assert!(
        after.0.contains("    created_at = models.DateTimeField"),
        "{}",
        after.0
    );
    assert!(after.1.contains("('created_at',"), "{}", after.1);
    assert!(!after.0.contains("create_time") && !after.1.contains("create_time"));
    for line in diff.stdout.lines() {
        let text = |l: &str| l.get(1..).unwrap_or_default().to_string();
        if line.starts_with("-") && !line.starts_with("---") {
            assert!(
                before.0.contains(&text(line)) || before.1.contains(&text(line)),
                "{line}"
            );
        }
        if line.starts_with("+") && !line.starts_with("+++") {
            assert!(
                after.0.contains(&text(line)) || after.1.contains(&text(line)),
                "{line}"
            );
        }
    }
    assert_eq!(
        diff.stdout
            .lines()
            .filter(|l| l.starts_with("+++ "))
            .count(),
        2,
        "{}",
        diff.stdout
    );
    // Django agrees: the models and the migrations say the same.
    let check = manage(&repo, &["makemigrations", "--check", "--dry-run"]);
    assert_eq!(check.code, 0, "makemigrations --check: {check:?}");
    // The index is the user's: the hook still sees the old name until it is staged.
    assert_eq!(repo.check(&["--format", "concise"]).code, 1);
    repo.git(&["add", "-A"]);
    let hook = repo.check(&["--format", "concise"]);
    assert_eq!(hook.code, 0, "{hook:?}");
    // A second --fix changes nothing.
    let again = repo.check(&["--fix"]);
    assert_eq!(again.code, 0, "{again:?}");
    assert_eq!(again.stdout, "");
    assert_eq!(
        (read(&repo, "blog/models.py"), read(&repo, migration)),
        after
    );
}

#[test]
fn fix_never_rewrites_a_committed_migration_and_offers_the_rename() {
    let repo = project();
    repo.commit_all("blog: Post");
    let migration = "blog/migrations/0001_initial.py";
    let committed = read(&repo, migration);
    let fix = repo.check(&["--all", "--fix"]);
    assert_eq!(fix.code, 1, "the migration is still to be added: {fix:?}");
    assert_eq!(read(&repo, migration), committed, "never rewritten");
    assert!(
        fix.stdout.contains(
            "add this migration as blog/migrations/0002_rename_create_time_post_created_at.py"
        ),
        "{fix:?}"
    );
    assert!(
        fix.stdout
            .contains("migrations.RenameField(\n            model_name=\"post\",\n            old_name=\"create_time\",\n            new_name=\"created_at\",\n        ),"),
        "{fix:?}"
    );
    assert!(read(&repo, "blog/models.py").contains("created_at = "));
    // The model alone now disagrees with the migrations; the printed migration settles it.
    repo.git(&["checkout", "--", "blog/models.py"]);
    let fix = repo.check(&["--all", "--fix", "--add-migrations"]);
    assert_eq!(fix.code, 0, "{fix:?}");
    assert!(
        fix.stdout
            .contains("wrote blog/migrations/0002_rename_create_time_post_created_at.py"),
        "{fix:?}"
    );
    let check = manage(&repo, &["makemigrations", "--check", "--dry-run"]);
    assert_eq!(check.code, 0, "makemigrations --check: {check:?}");
    repo.git(&["add", "-A"]);
    let hook = repo.check(&["--format", "concise"]);
    assert_eq!(hook.code, 0, "{hook:?}");
}

#[test]
fn fix_refuses_a_file_with_unstaged_changes() {
    let repo = project();
    repo.git(&["add", "-A"]);
    repo.write(
        "blog/models.py",
        format!("{MODELS}# edited after staging\n"),
    );
    let fix = repo.check(&["--fix"]);
    assert_eq!(fix.code, 1, "{fix:?}");
    assert!(
        fix.stderr
            .contains("not fixed: blog/models.py: has changes that are not staged"),
        "{fix:?}"
    );
    assert!(
        read(&repo, "blog/models.py").contains("create_time"),
        "left alone"
    );
    assert!(
        read(&repo, "blog/migrations/0001_initial.py").contains("'create_time'"),
        "and its migration with it: the two never disagree"
    );
}
