//! The naming rules on model files: always for a `models.py` named on the command line, and
//! for the commit (only the declarations it adds) when a config says `check-models = true`.

use crate::support::Repo;

const MODELS: &str = "from django.db import models\n\n\nclass Post(models.Model):\n    desciption = models.TextField()\n    body = models.TextField(db_column=\"contnet\")\n    lenght = models.IntegerField()  # check-migrate: ignore[field-name]\n";

#[test]
fn a_models_file_named_on_the_command_line_is_checked() {
    let repo = Repo::new();
    repo.write("blog/models.py", MODELS);
    let run = repo.check(&["--format", "concise", "blog/models.py"]);
    assert_eq!(run.code, 1, "{run:?}");
    assert_eq!(
        run.lines(),
        [
            "blog/models.py:5:5: error[field-name] `desciption` should be `description`",
            "blog/models.py:6:40: error[db-column] column `contnet` should be `content`",
            "checked 0 migration files and 1 model file: 2 errors, 0 warnings",
        ]
    );
    // A directory means its migrations; its models only with `check-models`.
    let run = repo.check(&["--format", "concise", "blog"]);
    assert_eq!(run.code, 0, "{run:?}");
    // `allow` and the severities apply as in migrations.
    repo.write(
        ".check-migrate.toml",
        "allow = [\"Post.desciption\"]\n\n[severity]\ndb-column = \"warning\"\n",
    );
    let run = repo.check(&["--format", "json", "blog/models.py"]);
    assert_eq!(run.code, 0, "{run:?}");
    let findings: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON");
    assert_eq!(findings[0]["rule"], "db-column", "{}", run.stdout);
    assert_eq!(findings[0]["severity"], "warning");
    assert_eq!(findings[0]["operation"], serde_json::Value::Null);
    assert_eq!(findings[0]["model"], "Post");
    assert_eq!(findings[0]["field"], "body");
    assert_eq!(findings.as_array().map(Vec::len), Some(1));
}

#[test]
fn with_check_models_a_commit_is_judged_on_the_declarations_it_adds() {
    let repo = Repo::new();
    repo.write("blog/models.py", MODELS);
    repo.commit_all("models with old names");
    // Off by default: the hook looks at migrations only.
    repo.write(
        "blog/models.py",
        format!("{MODELS}    titel2 = models.TextField()\n    amout = models.IntegerField()\n"),
    );
    repo.git(&["add", "blog/models.py"]);
    let run = repo.check(&["--format", "concise"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(run.stdout, "", "a commit without migrations is quiet");
    repo.write(".check-migrate.toml", "check-models = true\n");
    repo.git(&["add", ".check-migrate.toml"]);
    let run = repo.check(&["--format", "concise"]);
    assert_eq!(run.code, 1, "{run:?}");
    assert_eq!(
        run.lines(),
        [
            "blog/models.py:9:5: error[field-name] `amout` should be `amount`",
            "checked 0 migration files and 1 model file: 1 error, 0 warnings",
        ],
        "the old names are not the commit's"
    );
    // --all checks every declaration of every model file.
    let run = repo.check(&["--format", "concise", "--all"]);
    assert_eq!(run.lines().len(), 4, "{run:?}");
    // `exclude` keeps a model file from the rules, as it does a migration...
    repo.write(
        ".check-migrate.toml",
        "check-models = true\nexclude = [\"blog/**\"]\n",
    );
    repo.git(&["add", ".check-migrate.toml"]);
    let run = repo.check(&["--format", "concise", "--all"]);
    assert_eq!(run.code, 0, "{run:?}");
    // ...but a file named on the command line is checked all the same.
    let run = repo.check(&["--format", "concise", "blog/models.py"]);
    assert_eq!(run.code, 1, "{run:?}");
}
