//! Day one: the built-in library with no config (misspellings only, third-party names never
//! wrong), conventions switched on by name, and `check-migrate init` writing the config that
//! fits a repository.

use crate::support::{M1, M2, Repo, migration, second};

fn concise(repo: &Repo, args: &[&str]) -> crate::support::Run {
    let mut all = vec!["--format", "concise"];
    all.extend_from_slice(args);
    repo.check(&all)
}

fn read(repo: &Repo, path: &str) -> String {
    std::fs::read_to_string(repo.path().join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

#[test]
fn with_no_config_only_misspellings_are_reported() {
    let repo = Repo::new();
    repo.write(
        M1,
        migration(&[
            "create_time",
            "is_active",
            "desc",
            "desciption",
            "recieved_at",
        ]),
    );
    let run = concise(&repo, &["--all"]);
    assert_eq!(run.code, 1, "{run:?}");
    assert_eq!(
        run.lines(),
        [
            "blog/migrations/0001_initial.py:12:38: error[field-name] `desciption` should be `description`",
            "blog/migrations/0001_initial.py:13:38: error[field-name] `recieved_at` should be `received_at`",
            "checked 1 migration file: 2 errors, 0 warnings",
        ]
    );
    // One line turns a convention on; a misspelling then suggests what it wants.
    repo.write(
        ".check-migrate.toml",
        "conventions = [\"timestamps-time\", \"full-words\"]\n",
    );
    let run = concise(&repo, &["--all"]);
    let lines = run.lines();
    assert_eq!(lines.len(), 4, "{run:?}");
    assert!(
        lines[0].contains("`desc` should be `description`"),
        "{run:?}"
    );
    assert!(
        lines[2].contains("`recieved_at` should be `receive_time`"),
        "{run:?}"
    );
    // --convention adds, and replaces the config's direction of the same family.
    let run = concise(&repo, &["--all", "--convention", "timestamps-at"]);
    let lines = run.lines();
    assert!(
        lines[0].contains("`create_time` should be `created_at`"),
        "{run:?}"
    );
    assert!(
        lines
            .iter()
            .any(|l| l.contains("`recieved_at` should be `received_at`"))
    );
}

/// django-model-utils' TimeStampedModel and SoftDeletableModel, django-mptt and Django's
/// AbstractUser: a team inherits these names and cannot rename them.
#[test]
fn names_of_third_party_abstract_models_are_never_reported() {
    let repo = Repo::new();
    repo.write(
        M1,
        migration(&[
            "created",
            "modified",
            "is_removed",
            "lft",
            "rght",
            "tree_id",
            "date_joined",
            "is_active",
            "deleted",
            "active",
        ]),
    );
    for conventions in [
        "timestamps-at,actors-by,booleans-is,full-words,plain-english",
        "timestamps-time,actors-er,booleans-bare",
        "timestamps-bare",
    ] {
        let run = concise(&repo, &["--all", "--convention", conventions]);
        assert_eq!(run.code, 0, "{conventions}: {run:?}");
    }
}

#[test]
fn a_misnamed_or_doubled_convention_is_a_config_error() {
    let repo = Repo::new();
    repo.write(M1, migration(&["title"]));
    repo.write(".check-migrate.toml", "conventions = [\"timestamp-at\"]\n");
    let run = concise(&repo, &["--all"]);
    assert_eq!(run.code, 2, "{run:?}");
    assert_eq!(
        run.stderr,
        "error: .check-migrate.toml:1: key `conventions`: unknown convention `timestamp-at`; did you mean `timestamps-at`?\n"
    );
    repo.write(
        ".check-migrate.toml",
        "conventions = [\"timestamps-at\", \"booleans-is\", \"timestamps-bare\"]\n",
    );
    let run = concise(&repo, &["--all"]);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(
        run.stderr.contains(
            "`timestamps-at` and `timestamps-bare` are two directions of one convention; keep one"
        ),
        "{run:?}"
    );
    let run = concise(&repo, &["--all", "--convention", "colours"]);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(
        run.stderr.contains("unknown convention `colours`"),
        "{run:?}"
    );
}

#[test]
fn conventions_lists_every_convention_with_its_rows() {
    let repo = Repo::new();
    let run = repo.check(&["conventions"]);
    assert_eq!(run.code, 0, "{run:?}");
    for name in [
        "timestamps-at (timestamps)",
        "timestamps-bare (timestamps)",
        "booleans-is (booleans)",
        "plain-english (plain-english)",
    ] {
        assert!(run.stdout.contains(name), "{name}: {}", run.stdout);
    }
    assert!(
        run.stdout
            .contains("  created_at       <- add_time, create_at, create_time,"),
        "{}",
        run.stdout
    );
}

/// A project in the `created_at` style, with one old `create_time` the team lives with.
fn at_style() -> Repo {
    let repo = Repo::new();
    repo.write(
        M1,
        migration(&[
            "created_at",
            "updated_at",
            "started_at",
            "is_enabled",
            "is_deleted",
            "is_visible",
            "create_time",
        ]),
    );
    repo.write(
        "shop/migrations/0001_initial.py",
        migration(&["created_at", "updated_at", "is_enabled"]),
    );
    repo.commit_all("two apps");
    repo
}

#[test]
fn init_follows_a_created_at_project_and_its_first_commit_is_quiet() {
    let repo = at_style();
    let run = repo.check(&["init"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(
        run.stdout
            .contains("on  timestamps-at    5 field(s) use its correct names, 1 its wrong ones"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("on  booleans-is"), "{}", run.stdout);
    assert!(
        run.stdout.contains("wrote .check-migrate.toml"),
        "{}",
        run.stdout
    );
    assert!(
        run.stderr.contains("wrote 1 finding(s) to the baseline"),
        "{run:?}"
    );
    let config = read(&repo, ".check-migrate.toml");
    assert!(
        config.contains("conventions = [\"timestamps-at\", \"booleans-is\"]\n"),
        "{config}"
    );
    assert!(config.contains("baseline = \".check-migrate-baseline.json\""));
    assert!(!config.contains("allow"), "{config}");
    // Today's findings are in the baseline: the whole repository is clean.
    let run = concise(&repo, &["--all"]);
    assert_eq!(run.code, 0, "{run:?}");
    repo.git(&["add", "-A"]);
    let run = concise(&repo, &[]);
    assert_eq!(run.code, 0, "the commit of the config: {run:?}");
    repo.git(&["commit", "-qm", "check-migrate init"]);
    // Through the hook: a commit in the project's style passes, the other style is blocked.
    repo.install_hook(repo.path());
    repo.write(M2, second(&["finished_at", "is_hidden"]));
    repo.git(&["add", M2]);
    let run = commit(&repo, "blog: own style");
    assert_eq!(run.code, 0, "{run:?}");
    let m3 = "blog/migrations/0003_other_style.py";
    repo.write(m3, third(&["update_time", "enabled", "created_at_x"]));
    repo.git(&["add", m3]);
    let run = commit(&repo, "blog: the other style");
    assert_eq!(run.code, 1, "{run:?}");
    assert!(
        run.stdout
            .contains("error[field-name]: `update_time` should be `updated_at`"),
        "{run:?}"
    );
    assert!(
        run.stdout
            .contains("error[field-name]: `enabled` should be `is_enabled`"),
        "{run:?}"
    );
    assert!(!run.stdout.contains("created_at_x"), "{run:?}");
    assert!(
        run.stdout
            .contains("checked 1 migration file: 2 errors, 0 warnings"),
        "{run:?}"
    );
}

/// `git commit` with the hook on PATH.
fn commit(repo: &Repo, message: &str) -> crate::support::Run {
    repo.git_hooked(repo.path(), &["commit", "-qm", message])
}

/// The app's third migration, after `0002_post_times`.
fn third(names: &[&str]) -> String {
    migration(names).replace(
        "dependencies = []",
        "dependencies = [(\"blog\", \"0002_post_times\")]",
    )
}

#[test]
fn init_follows_a_created_project_in_its_own_direction() {
    let repo = Repo::new();
    repo.write(
        M1,
        migration(&["created", "modified", "enabled", "deleted", "hidden"]),
    );
    repo.write(
        "notes/migrations/0001_initial.py",
        migration(&["created", "modified", "start_time"]),
    );
    repo.commit_all("bare style");
    let run = repo.check(&["init"]);
    assert_eq!(run.code, 0, "{run:?}");
    let config = read(&repo, ".check-migrate.toml");
    assert!(
        config.contains("conventions = [\"timestamps-bare\", \"booleans-bare\"]\n"),
        "{config}\n{}",
        run.stdout
    );
    repo.git(&["add", "-A"]);
    repo.git(&["commit", "-qm", "check-migrate init"]);
    repo.install_hook(repo.path());
    repo.write(M2, second(&["created", "locked", "is_removed"]));
    repo.git(&["add", M2]);
    let run = commit(&repo, "blog: own style");
    assert_eq!(run.code, 0, "{run:?}");
    let m3 = "blog/migrations/0003_other_style.py";
    repo.write(m3, third(&["create_time", "is_hidden", "created_at"]));
    repo.git(&["add", m3]);
    let run = concise(&repo, &[]);
    assert_eq!(
        run.lines(),
        [
            "blog/migrations/0003_other_style.py:9:38: error[field-name] `create_time` should be `created`",
            "blog/migrations/0003_other_style.py:10:38: error[field-name] `is_hidden` should be `hidden`",
            "checked 1 migration file: 2 errors, 0 warnings",
        ],
        "created_at is wagtail's: never wrong"
    );
    let run = commit(&repo, "blog: the other style");
    assert_eq!(run.code, 1, "{run:?}");
}

#[test]
fn init_allows_a_row_the_project_follows_its_own_way() {
    let repo = Repo::new();
    repo.write(
        M1,
        migration(&["created_at", "updated_at", "published_at", "start_time"]),
    );
    repo.write(
        "shop/migrations/0001_initial.py",
        migration(&["created_at", "start_time", "end_time"]),
    );
    repo.commit_all("mostly _at");
    let run = repo.check(&["init"]);
    assert_eq!(run.code, 0, "{run:?}");
    let config = read(&repo, ".check-migrate.toml");
    assert!(
        config.contains("conventions = [\"timestamps-at\"]"),
        "{config}"
    );
    assert!(
        config.contains("allow = [\"end_time\", \"start_time\"]"),
        "{config}"
    );
    assert!(
        run.stdout
            .contains("start_time 2   (allowed: the project's own habit)"),
        "{}",
        run.stdout
    );
    let run = concise(&repo, &["--all"]);
    assert_eq!(run.code, 0, "{run:?}");
}

#[test]
fn init_never_overwrites_a_config_without_force() {
    let repo = at_style();
    let run = repo.check(&["init"]);
    assert_eq!(run.code, 0, "{run:?}");
    let run = repo.check(&["init"]);
    assert_eq!(run.code, 2, "init twice: {run:?}");
    std::fs::remove_file(repo.path().join(".check-migrate-baseline.json")).expect("remove");
    repo.write(".check-migrate.toml", "allow = [\"x\"]\n");
    let run = repo.check(&["init"]);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(
        run.stderr
            .ends_with(".check-migrate.toml exists; `check-migrate init --force` replaces it\n"),
        "{run:?}"
    );
    assert_eq!(read(&repo, ".check-migrate.toml"), "allow = [\"x\"]\n");
    assert!(!repo.path().join(".check-migrate-baseline.json").exists());
    let run = repo.check(&["init", "--force"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(read(&repo, ".check-migrate.toml").contains("timestamps-at"));
}

#[test]
fn init_adds_a_table_to_pyproject_when_asked() {
    let repo = at_style();
    let run = repo.check(&["init", "--pyproject"]);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(
        run.stderr.contains("pyproject.toml does not exist"),
        "{run:?}"
    );
    let original = "[project]\nname = \"shop\"\n\n[tool.ruff]\nline-length = 100\n";
    repo.write("pyproject.toml", original);
    let run = repo.check(&["init", "--pyproject"]);
    assert_eq!(run.code, 0, "{run:?}");
    let text = read(&repo, "pyproject.toml");
    assert!(text.starts_with(original), "{text}");
    assert!(
        text.contains("\n\n[tool.check-migrate]\n# Written by `check-migrate init`"),
        "{text}"
    );
    assert!(
        text.contains("\nconventions = [\"timestamps-at\", \"booleans-is\"]\n"),
        "{text}"
    );
    assert!(!repo.path().join(".check-migrate.toml").exists());
    let run = concise(&repo, &["--all"]);
    assert_eq!(run.code, 0, "the table is read: {run:?}");
    // Again: refused; with --force the table is replaced and the rest kept.
    let run = repo.check(&["init", "--pyproject"]);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(
        run.stderr
            .contains("pyproject.toml exists; its [tool.check-migrate] table is a config"),
        "{run:?}"
    );
    let run = repo.check(&["init", "--pyproject", "--force"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(read(&repo, "pyproject.toml"), text, "the same table again");
}

#[test]
fn init_refuses_what_it_cannot_do_cleanly_and_leaves_everything_as_it_was() {
    let repo = at_style();
    // A baseline already there is replaced only with --force.
    repo.write(".check-migrate-baseline.json", "[]\n");
    let run = repo.check(&["init"]);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(
        run.stderr.contains(".check-migrate-baseline.json exists; `check-migrate init --force` replaces the baseline"),
        "{run:?}"
    );
    assert!(!repo.path().join(".check-migrate.toml").exists());
    // A baseline that cannot be written takes the config back.
    std::fs::remove_file(repo.path().join(".check-migrate-baseline.json")).expect("remove");
    std::fs::create_dir(repo.path().join(".check-migrate-baseline.json")).expect("mkdir");
    let run = repo.check(&["init", "--force"]);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(
        run.stderr.contains("note: .check-migrate.toml taken back"),
        "{run:?}"
    );
    assert!(!repo.path().join(".check-migrate.toml").exists());
    std::fs::remove_dir(repo.path().join(".check-migrate-baseline.json")).expect("rmdir");
    // A pyproject.toml whose `tool` is an inline table cannot take ours: printed, not written.
    let inline = "tool = { black = { line-length = 100 } }\n";
    repo.write("pyproject.toml", inline);
    let run = repo.check(&["init", "--pyproject"]);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(run.stdout.contains("[tool.check-migrate]\n"), "{run:?}");
    assert!(
        run.stderr.contains("paste it into the file by hand"),
        "{run:?}"
    );
    assert_eq!(read(&repo, "pyproject.toml"), inline);
    // One that is not TOML is not touched.
    repo.write("pyproject.toml", "[project\n");
    let run = repo.check(&["init", "--pyproject"]);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(
        run.stderr.contains("pyproject.toml is not valid TOML"),
        "{run:?}"
    );
    // With .check-migrate.toml there, a table in pyproject.toml would never be read.
    repo.write("pyproject.toml", "[project]\nname = \"x\"\n");
    repo.write(".check-migrate.toml", "allow = []\n");
    let run = repo.check(&["init", "--pyproject", "--force"]);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(
        run.stderr
            .contains("it takes precedence over pyproject.toml"),
        "{run:?}"
    );
    assert_eq!(read(&repo, "pyproject.toml"), "[project]\nname = \"x\"\n");
    // No migrations: nothing to learn from.
    let empty = Repo::new();
    empty.write("README.md", "no apps yet\n");
    let run = empty.check(&["init"]);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(run.stderr.contains("found no migration files"), "{run:?}");
    assert!(!empty.path().join(".check-migrate.toml").exists());
}

/// Fields a model inherits from a third-party abstract model are no evidence of the team's
/// own convention.
#[test]
fn init_leaves_inherited_fields_out_of_the_count() {
    let repo = Repo::new();
    let create = |model: &str, fields: &[&str]| {
        let fields: String = fields
            .iter()
            .map(|f| format!("                (\"{f}\", models.DateTimeField()),\n"))
            .collect();
        format!(
            "        migrations.CreateModel(\n            name=\"{model}\",\n            fields=[\n{fields}            ],\n        ),\n"
        )
    };
    let operations = [
        create("Post", &["created", "modified"]),
        create("Page", &["created", "modified"]),
        create("Note", &["created_at", "updated_at", "started_at"]),
    ]
    .concat();
    repo.write(
        M1,
        format!(
            "from django.db import migrations, models\n\n\nclass Migration(migrations.Migration):\n\n    dependencies = []\n\n    operations = [\n{operations}    ]\n"
        ),
    );
    repo.write(
        "blog/models.py",
        "from django.db import models\nfrom model_utils.models import TimeStampedModel\n\n\nclass Post(TimeStampedModel):\n    pass\n\n\nclass Page(TimeStampedModel):\n    pass\n\n\nclass Note(models.Model):\n    created_at = models.DateTimeField()\n    updated_at = models.DateTimeField()\n    started_at = models.DateTimeField()\n",
    );
    repo.commit_all("inherited and own");
    let run = repo.check(&["init"]);
    assert_eq!(run.code, 0, "{run:?}");
    let config = read(&repo, ".check-migrate.toml");
    assert!(
        config.contains("conventions = [\"timestamps-at\"]"),
        "{config}\n{}",
        run.stdout
    );
}
