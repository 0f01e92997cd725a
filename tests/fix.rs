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

/// `makemigrations --check` finds nothing to do, and the hook passes once all is staged.
fn django_and_the_hook_agree(repo: &Repo) {
    let check = manage(repo, &["makemigrations", "--check", "--dry-run"]);
    assert_eq!(check.code, 0, "makemigrations --check: {check:?}");
    repo.git(&["add", "-A"]);
    let hook = repo.check(&["--format", "concise"]);
    assert_eq!(hook.code, 0, "{hook:?}");
}

/// The project with a second app, `shop`, installed and empty.
fn project_with_shop() -> Repo {
    let repo = project();
    repo.write(
        "proj/settings.py",
        SETTINGS.replace("[\"blog\"]", "[\"blog\", \"shop\"]"),
    );
    repo.write("shop/__init__.py", "");
    repo.write("shop/migrations/__init__.py", "");
    repo
}

/// The project staged, then its model edited again.
fn edited_after_staging() -> Repo {
    let repo = project();
    repo.git(&["add", "-A"]);
    repo.write(
        "blog/models.py",
        format!("{MODELS}# edited after staging\n"),
    );
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
    django_and_the_hook_agree(&repo);
}

#[test]
fn fix_refuses_a_file_with_unstaged_changes() {
    let repo = edited_after_staging();
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

const MODELS_WITH_META: &str = "from django.db import models\n\n\nclass Post(models.Model):\n    title = models.CharField(max_length=200)\n    create_time = models.DateTimeField()\n\n    class Meta:\n        ordering = [\"-create_time\"]\n        get_latest_by = \"create_time\"\n        unique_together = [(\"title\", \"create_time\")]\n        indexes = [models.Index(fields=[\"title\", \"create_time\"], name=\"post_title_time\")]\n        constraints = [\n            models.CheckConstraint(condition=models.Q(create_time__isnull=False), name=\"has_time\"),\n        ]\n\n    def __str__(self):\n        return f\"{self.title} {self.create_time}\"\n";

/// The project with [`MODELS_WITH_META`] migrated, then the field altered in a second
/// migration: both uncommitted.
fn project_with_meta() -> Repo {
    project_with_meta_of(MODELS_WITH_META)
}

fn project_with_meta_of(models: &str) -> Repo {
    let repo = project();
    std::fs::remove_file(repo.path().join("blog/migrations/0001_initial.py")).expect("rm");
    repo.write("blog/models.py", models);
    let run = manage(&repo, &["makemigrations", "blog"]);
    assert_eq!(run.code, 0, "makemigrations: {run:?}");
    repo.write(
        "blog/models.py",
        models.replace(
            "create_time = models.DateTimeField()",
            "create_time = models.DateTimeField(null=True)",
        ),
    );
    let run = manage(&repo, &["makemigrations", "blog"]);
    assert_eq!(run.code, 0, "makemigrations: {run:?}");
    repo
}

#[test]
fn fix_renames_the_later_operations_and_the_meta_of_the_change() {
    let repo = project_with_meta();
    let altered = "blog/migrations/0002_alter_post_create_time.py";
    assert!(read(&repo, altered).contains("name='create_time'"));
    repo.git(&["add", "-A"]);
    let fix = repo.check(&["--fix"]);
    assert_eq!(
        fix.code, 1,
        "the model's __str__ is left to rename: {fix:?}"
    );
    assert_eq!(
        fix.stdout,
        format!("fixed blog/migrations/0001_initial.py\nfixed {altered}\nfixed blog/models.py\n")
    );
    // The AlterField, the options, the index and the constraint all follow the field.
    assert!(!read(&repo, "blog/migrations/0001_initial.py").contains("create_time"));
    assert!(read(&repo, altered).contains("name='created_at'"));
    let models = read(&repo, "blog/models.py");
    assert!(models.contains("ordering = [\"-created_at\"]"), "{models}");
    assert!(models.contains("Q(created_at__isnull=False)"), "{models}");
    // Code is the user's to rename: listed, not rewritten.
    assert!(models.contains("{self.create_time}"), "{models}");
    assert!(
        fix.stderr
            .contains("blog/models.py:18: return f\"{self.title} {self.create_time}\""),
        "{fix:?}"
    );
    django_and_the_hook_agree(&repo);
}

#[test]
fn fix_leaves_a_field_that_code_of_the_change_names() {
    let repo = project();
    repo.write(
        "blog/migrations/0002_fill.py",
        "from django.db import migrations\n\n\ndef fill(apps, schema_editor):\n    Post = apps.get_model(\"blog\", \"Post\")\n    Post.objects.update(create_time=None)\n\n\nclass Migration(migrations.Migration):\n    dependencies = [(\"blog\", \"0001_initial\")]\n    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]\n",
    );
    repo.git(&["add", "-A"]);
    let before = read(&repo, "blog/models.py");
    let fix = repo.check(&["--fix"]);
    assert_eq!(fix.code, 1, "{fix:?}");
    assert!(
        fix.stderr.contains(
            "not fixed: blog/migrations/0002_fill.py:4:1: code that runs later names `create_time`"
        ),
        "{fix:?}"
    );
    assert_eq!(fix.stdout, "", "nothing written");
    assert_eq!(read(&repo, "blog/models.py"), before);
}

#[test]
fn fix_of_a_committed_field_named_in_meta_says_makemigrations_follows() {
    // Ordering and together options: RenameField leaves the ordering to makemigrations.
    let models = MODELS_WITH_META
        .lines()
        .filter(|line| {
            !line.contains("indexes") && !line.contains("onstraint") && *line != "        ]"
        })
        .collect::<Vec<_>>()
        .join("\n");
    let repo = project_with_meta_of(&format!("{models}\n"));
    repo.commit_all("blog: Post");
    let fix = repo.check(&["--all", "--fix", "--add-migrations"]);
    assert_eq!(fix.code, 1, "makemigrations has more to record: {fix:?}");
    assert!(
        fix.stdout
            .contains("wrote blog/migrations/0003_rename_create_time_post_created_at.py"),
        "{fix:?}"
    );
    assert!(
        fix.stderr
            .contains("run `python manage.py makemigrations blog` to record the options"),
        "{fix:?}"
    );
    let written = read(
        &repo,
        "blog/migrations/0003_rename_create_time_post_created_at.py",
    );
    assert!(
        written.contains("(\"blog\", \"0002_alter_post_create_time\"),"),
        "after the leaf: {written}"
    );
    // What the note says to run, and then Django agrees with the models.
    let run = manage(&repo, &["makemigrations", "blog"]);
    assert_eq!(run.code, 0, "makemigrations: {run:?}");
    django_and_the_hook_agree(&repo);
}

#[test]
fn allow_unstaged_fixes_a_file_and_keeps_its_changes() {
    let repo = edited_after_staging();
    let fix = repo.check(&["--fix", "--allow-unstaged"]);
    assert_eq!(fix.code, 0, "{fix:?}");
    let models = read(&repo, "blog/models.py");
    assert!(models.contains("created_at = models."), "{models}");
    assert!(models.ends_with("# edited after staging\n"), "{models}");
    let check = manage(&repo, &["makemigrations", "--check", "--dry-run"]);
    assert_eq!(check.code, 0, "makemigrations --check: {check:?}");
}

/// `--fix` on the staged project `repo`: refused with `why`, and nothing written.
fn refused(repo: &Repo, args: &[&str], why: &str) {
    let before = repo.git(&["status", "--porcelain"]);
    let models = read(repo, "blog/models.py");
    let fix = repo.check(args);
    assert_eq!(fix.code, 1, "{fix:?}");
    assert!(fix.stderr.contains(why), "{fix:?}");
    assert_eq!(fix.stdout, "", "nothing written: {fix:?}");
    assert_eq!(read(repo, "blog/models.py"), models);
    assert_eq!(repo.git(&["status", "--porcelain"]), before);
}

/// The project with `models` migrated (uncommitted, staged).
fn project_with(models: &str) -> Repo {
    let repo = project();
    std::fs::remove_file(repo.path().join("blog/migrations/0001_initial.py")).expect("rm");
    repo.write("blog/models.py", models);
    let run = manage(&repo, &["makemigrations", "blog"]);
    assert_eq!(run.code, 0, "makemigrations: {run:?}");
    repo.git(&["add", "-A"]);
    repo
}

#[test]
fn fix_never_renames_into_a_name_the_model_has() {
    let repo = project_with(&MODELS.replace(
        "    title =",
        "    created_at = models.DateField(null=True)\n    title =",
    ));
    refused(
        &repo,
        &["--fix"],
        "`Post` has `created_at` already (a field, column, method or reverse accessor",
    );
    // Two wrong names with one right one: the second would collide with the first.
    let repo = project_with(&format!(
        "{MODELS}    add_time = models.DateTimeField(null=True)\n"
    ));
    let fix = repo.check(&["--fix"]);
    assert_eq!(fix.code, 1, "{fix:?}");
    assert!(fix.stderr.contains("or another rename to it)"), "{fix:?}");
    let models = read(&repo, "blog/models.py");
    assert_eq!(models.matches("created_at = ").count(), 1, "{models}");
    assert!(models.contains("add_time = "), "{models}");
    let check = manage(&repo, &["makemigrations", "--check", "--dry-run"]);
    assert_eq!(check.code, 0, "makemigrations --check: {check:?}");
}

#[test]
fn fix_leaves_a_field_of_a_shared_base() {
    let repo = project_with(
        "from django.db import models\n\n\nclass Stamped(models.Model):\n    create_time = models.DateTimeField(auto_now_add=True)\n\n    class Meta:\n        abstract = True\n\n\nclass Post(Stamped):\n    title = models.CharField(max_length=200)\n",
    );
    refused(
        &repo,
        &["--fix"],
        "`create_time` is declared in `Stamped`, which other models may share",
    );
}

#[test]
fn fix_leaves_a_field_that_another_apps_data_migration_uses() {
    let repo = project();
    repo.git(&["add", "-A"]);
    repo.write("shop/__init__.py", "");
    repo.write("shop/migrations/__init__.py", "");
    repo.write(
        "shop/migrations/0001_fill.py",
        "from django.db import migrations\n\n\ndef fill(apps, schema_editor):\n    apps.get_model(\"blog\", \"Post\").objects.create(title=\"x\", create_time=None)\n\n\nclass Migration(migrations.Migration):\n    dependencies = [(\"blog\", \"0001_initial\")]\n    operations = [migrations.RunPython(fill)]\n",
    );
    repo.git(&["add", "-A"]);
    refused(
        &repo,
        &["--fix"],
        "not fixed: shop/migrations/0001_fill.py:4:1: code that runs later names `create_time`",
    );
}

#[test]
fn fix_renames_a_generated_field_expression_and_a_to_field_of_another_app() {
    let repo = project_with_shop();
    repo.write("blog/models.py", "from django.db import models\nfrom django.db.models.functions import TruncDate\n\n\nclass Post(models.Model):\n    title = models.CharField(max_length=200)\n    create_time = models.DateTimeField(unique=True)\n    day = models.GeneratedField(expression=TruncDate(\"create_time\"), output_field=models.DateField(), db_persist=True)\n");
    repo.write("shop/models.py", "from django.db import models\n\n\nclass Order(models.Model):\n    post = models.ForeignKey(\"blog.Post\", to_field=\"create_time\", on_delete=models.CASCADE)\n");
    std::fs::remove_file(repo.path().join("blog/migrations/0001_initial.py")).expect("rm");
    let run = manage(&repo, &["makemigrations", "blog", "shop"]);
    assert_eq!(run.code, 0, "makemigrations: {run:?}");
    repo.git(&["add", "-A"]);
    let fix = repo.check(&["--fix"]);
    assert_eq!(fix.code, 0, "{fix:?}");
    assert!(read(&repo, "blog/models.py").contains("TruncDate(\"created_at\")"));
    assert!(read(&repo, "shop/models.py").contains("to_field=\"created_at\""));
    assert!(!read(&repo, "shop/migrations/0001_initial.py").contains("create_time"));
    let check = manage(&repo, &["makemigrations", "--check", "--dry-run"]);
    assert_eq!(check.code, 0, "makemigrations --check: {check:?}");
    let migrate = manage(&repo, &["migrate"]);
    assert_eq!(migrate.code, 0, "migrate: {migrate:?}");
}

#[test]
fn fix_of_a_committed_field_in_meta_constraints_is_left_to_makemigrations() {
    let repo = project_with_meta();
    repo.commit_all("blog: Post");
    refused(
        &repo,
        &["--all", "--fix"],
        "the indexes or constraints of `Post` name `create_time`, which a committed migration introduced",
    );
}

#[test]
fn fix_never_renames_into_a_column_an_inherited_field_a_method_or_a_reverse_accessor() {
    let why = "`Post` has `created_at` already (a field, column, method or reverse accessor";
    for (case, models) in [
        (
            "another field's column",
            MODELS.replace(
                "    title =",
                "    stamp = models.DateTimeField(null=True, db_column=\"created_at\")\n    title =",
            ),
        ),
        (
            "a field of an abstract base",
            MODELS
                .replace("class Post(models.Model):", "class Base(models.Model):\n    created_at = models.DateField(null=True)\n\n    class Meta:\n        abstract = True\n\n\nclass Post(Base):"),
        ),
        (
            "a method",
            format!("{MODELS}\n    def created_at(self):\n        return None\n"),
        ),
        (
            "a reverse accessor",
            format!("{MODELS}\n\nclass Comment(models.Model):\n    post = models.ForeignKey(Post, related_name=\"created_at\", on_delete=models.CASCADE)\n"),
        ),
    ] {
        let repo = project_with(&models);
        let fix = repo.check(&["--fix"]);
        assert_eq!(fix.code, 1, "{case}: {fix:?}");
        assert!(fix.stderr.contains(why), "{case}: {fix:?}");
        assert_eq!(fix.stdout, "", "{case}: nothing written");
    }
}

#[test]
fn fix_of_a_committed_field_another_app_points_at_is_left_to_makemigrations() {
    let repo = project_with_shop();
    repo.write(
        "blog/models.py",
        MODELS.replace(
            "DateTimeField(auto_now_add=True)",
            "DateTimeField(unique=True)",
        ),
    );
    repo.write("shop/models.py", "from django.db import models\n\n\nclass Order(models.Model):\n    post = models.ForeignKey(\"blog.Post\", to_field=\"create_time\", on_delete=models.CASCADE)\n");
    std::fs::remove_file(repo.path().join("blog/migrations/0001_initial.py")).expect("rm");
    let run = manage(&repo, &["makemigrations", "blog", "shop"]);
    assert_eq!(run.code, 0, "makemigrations: {run:?}");
    repo.commit_all("blog and shop");
    refused(
        &repo,
        &["--all", "--fix", "--add-migrations"],
        "a `to_field` of another app points at `create_time`, which a committed migration introduced",
    );
}

#[test]
fn a_model_files_finding_is_fixed_with_its_migration_or_not_at_all() {
    // Staged with check-models: the migration's finding renames the model too, once.
    let repo = project();
    repo.write(
        ".check-migrate.toml",
        "conventions = [\"timestamps-at\"]\ncheck-models = true\n",
    );
    repo.git(&["add", "-A"]);
    let blocked = repo.check(&["--format", "concise"]);
    assert_eq!(
        blocked.lines().len(),
        3,
        "the migration's and the model's: {blocked:?}"
    );
    let fix = repo.check(&["--fix"]);
    assert_eq!(fix.code, 0, "{fix:?}");
    assert_eq!(
        fix.stdout,
        "fixed blog/migrations/0001_initial.py\nfixed blog/models.py\n"
    );
    django_and_the_hook_agree(&repo);
    // The model file named alone: its migration names the field, so it is not renamed alone.
    let repo = project();
    repo.git(&["add", "-A"]);
    refused(
        &repo,
        &["blog/models.py", "--fix"],
        "blog/migrations/0001_initial.py names `create_time` already",
    );
}

#[test]
fn fix_renames_a_relations_attribute_with_it() {
    let repo = project_with(
        "from django.db import models\n\n\nclass Category(models.Model):\n    name = models.CharField(max_length=100)\n\n\nclass Post(models.Model):\n    catagory = models.ForeignKey(Category, on_delete=models.CASCADE)\n\n    class Meta:\n        ordering = [\"catagory_id\"]\n        indexes = [models.Index(fields=[\"catagory_id\"], name=\"post_category\")]\n",
    );
    let fix = repo.check(&["--fix"]);
    assert_eq!(fix.code, 0, "{fix:?}");
    let models = read(&repo, "blog/models.py");
    assert!(models.contains("ordering = [\"category_id\"]"), "{models}");
    assert!(models.contains("fields=[\"category_id\"]"), "{models}");
    django_and_the_hook_agree(&repo);
}

#[test]
fn fix_never_renames_into_a_field_of_a_base_in_another_module() {
    let repo = project();
    repo.write(
        "blog/base.py",
        "from django.db import models\n\n\nclass Stamped(models.Model):\n    created_at = models.DateField(null=True)\n\n    class Meta:\n        abstract = True\n",
    );
    repo.git(&["add", "-A"]);
    let repo = {
        std::fs::remove_file(repo.path().join("blog/migrations/0001_initial.py")).expect("rm");
        repo.write(
            "blog/models.py",
            MODELS
                .replace(
                    "from django.db import models\n",
                    "from django.db import models\n\nfrom .base import Stamped\n",
                )
                .replace("class Post(models.Model):", "class Post(Stamped):")
                .replace(
                    "DateTimeField(auto_now_add=True)",
                    "DateTimeField(null=True)",
                ),
        );
        let run = manage(&repo, &["makemigrations", "blog"]);
        assert_eq!(run.code, 0, "makemigrations: {run:?}");
        repo.git(&["add", "-A"]);
        repo
    };
    refused(
        &repo,
        &["--fix"],
        "`Post` has `created_at` already (a field, column, method or reverse accessor",
    );
}
