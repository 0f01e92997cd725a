//! A finding points at where its field is declared in the app's models: `models.py` or a
//! `models` package, the class itself or an abstract base of the same app; and says so when
//! the field comes from a base outside the app.

use crate::support::{M1, Repo};

const MIGRATION: &str = "from django.db import migrations, models\n\n\nclass Migration(migrations.Migration):\n\n    dependencies = []\n\n    operations = [\n        migrations.CreateModel(\n            name=\"Post\",\n            fields=[\n                (\"id\", models.AutoField(primary_key=True)),\n                (\"desciption\", models.TextField()),\n                (\"created\", models.DateTimeField()),\n                (\"title\", models.TextField(db_column=\"tittle\")),\n            ],\n        ),\n    ]\n";

const MODELS: &str = "from django.db import models\nfrom model_utils.models import TimeStampedModel\n\n\nclass Post(TimeStampedModel):\n    desciption = models.TextField()\n    title = models.TextField(db_column=\"tittle\")\n";

fn full(repo: &Repo, args: &[&str]) -> String {
    let mut all = vec!["--format", "full"];
    all.extend_from_slice(args);
    let run = repo.check(&all);
    assert_eq!(run.code, 1, "{run:?}");
    run.stdout
}

#[test]
fn a_staged_finding_points_at_the_declaration_in_the_index() {
    let repo = Repo::new();
    repo.write(M1, MIGRATION);
    repo.write("blog/models.py", MODELS);
    repo.git(&["add", "-A"]);
    // The working tree moves on; the commit is what the index holds.
    repo.write("blog/models.py", format!("# edited\n\n{MODELS}"));
    let out = full(&repo, &[]);
    assert!(
        out.contains("= note: declared here: blog/models.py:6:5\n"),
        "{out}"
    );
    assert!(
        out.contains("= note: declared here: blog/models.py:7:41\n"),
        "the db_column string: {out}"
    );
    // Paths read the working tree.
    let out = full(&repo, &["blog"]);
    assert!(
        out.contains("= note: declared here: blog/models.py:8:5\n"),
        "{out}"
    );
}

#[test]
fn a_field_from_a_base_outside_the_app_is_said_to_be_inherited() {
    let repo = Repo::new();
    repo.write(
        M1,
        MIGRATION
            .replace("\"created\"", "\"date_craeted\"")
            .as_str(),
    );
    repo.write("blog/models.py", MODELS);
    repo.commit_all("blog");
    let run = repo.check(&["--all", "--format", "json"]);
    assert_eq!(run.code, 1, "{run:?}");
    let findings: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON");
    let by_name = |name: &str| {
        findings
            .as_array()
            .and_then(|all| all.iter().find(|f| f["name"] == name))
            .unwrap_or_else(|| panic!("{name}: {}", run.stdout))
            .clone()
    };
    let here = by_name("desciption");
    assert_eq!(
        here["declaration"],
        serde_json::json!({
            "path": "blog/models.py",
            "line": 6,
            "column": 5,
            "class": "Post",
            "inherited_from": null,
        })
    );
    assert_eq!(by_name("tittle")["declaration"]["column"], 41);
    // Not misspelled in the library: found with a library of our own.
    repo.write(
        "names.csv",
        "correct_name,description,wrong_names\ndate_created,creation time,date_craeted\n",
    );
    let run = repo.check(&["--all", "--format", "full", "--library", "names.csv"]);
    assert!(
        run.stdout.contains(
            "= note: `Post` (blog/models.py:5:7) does not declare `date_craeted`: it may come \
             from `TimeStampedModel`, outside the repository, and then renaming it may not be \
             yours to do; `allow = [\"Post.date_craeted\"]` accepts it\n"
        ),
        "{run:?}"
    );
}

#[test]
fn a_models_package_and_an_abstract_base_of_the_app() {
    let repo = Repo::new();
    repo.write(M1, MIGRATION);
    repo.write(
        "blog/models/__init__.py",
        "from .base import Described\nfrom .post import Post\n",
    );
    repo.write(
        "blog/models/base.py",
        "from django.db import models\n\n\nclass Described(models.Model):\n    desciption = models.TextField()\n\n    class Meta:\n        abstract = True\n",
    );
    repo.write(
        "blog/models/post.py",
        "from django.db import models\n\nfrom .base import Described\n\n\nclass Post(Described):\n    title = models.TextField(db_column=\"tittle\")\n",
    );
    repo.git(&["add", "-A"]);
    let out = full(&repo, &[]);
    assert!(
        out.contains("= note: declared here: blog/models/base.py:5:5\n"),
        "{out}"
    );
    assert!(
        out.contains("= note: declared here: blog/models/post.py:7:41\n"),
        "{out}"
    );
    // No models at all: nothing is said, nothing breaks.
    let bare = Repo::new();
    bare.write(M1, MIGRATION);
    bare.git(&["add", "-A"]);
    let out = full(&bare, &[]);
    assert!(!out.contains("note:"), "{out}");
}

/// A base of another app of the project, imported: followed through the import, in the
/// index for a commit.
#[test]
fn a_base_imported_from_another_app_is_followed() {
    let repo = Repo::new();
    repo.write(
        "backend/common/models.py",
        "from django.db import models\n\n\nclass BaseModel(models.Model):\n    desciption = models.TextField()\n\n    class Meta:\n        abstract = True\n",
    );
    repo.write(
        "backend/blog/models.py",
        "from common.models import BaseModel\n\n\nclass Post(BaseModel):\n    pass\n",
    );
    repo.write("backend/blog/migrations/0001_initial.py", MIGRATION);
    repo.git(&["add", "-A"]);
    let out = full(&repo, &[]);
    assert!(
        out.contains("= note: declared here: backend/common/models.py:5:5\n"),
        "{out}"
    );
}
