//! `docs/check-migrate.schema.json` describes `--format json`: real output holding every rule,
//! the graph rules included, is validated against it with check-jsonschema (from PyPI,
//! through `support::tools`).

use std::collections::BTreeSet;

use crate::support::{Repo, tools};

const HEAD: &str =
    "from django.db import migrations, models\n\n\nclass Migration(migrations.Migration):\n";

fn migration(dependencies: &str, operations: &str) -> String {
    format!("{HEAD}    dependencies = [{dependencies}]\n\n    operations = [\n{operations}    ]\n")
}

#[test]
fn json_output_of_every_rule_matches_the_schema() {
    let repo = Repo::new();
    for app in ["blog", "shop", "cms", "news", "tags"] {
        repo.write(&format!("{app}/__init__.py"), "");
        repo.write(&format!("{app}/migrations/__init__.py"), "");
    }
    // Names: field-name, db-column, altered-field-name, and both suppression rules.
    repo.write(
        "blog/migrations/0001_initial.py",
        migration(
            "",
            "        migrations.CreateModel(\n            name=\"Post\",\n            fields=[\n                (\"id\", models.AutoField(primary_key=True)),\n                (\"craete_time\", models.DateTimeField()),\n                (\"udpate_time\", models.DateTimeField()),\n                (\"title\", models.TextField(db_column=\"descripton\")),  # check-migrate: ignore[fieldname]\n                (\"body\", models.TextField()),  # check-migrate: ignore[field-name]\n            ],\n        ),\n        migrations.AlterField(\"post\", \"udpate_time\", models.DateTimeField(null=True)),\n",
        ),
    );
    // Two leaves with one number: multiple-leaves and duplicate-number; elsewhere a
    // dependency on a migration that does not exist.
    let after = "(\"blog\", \"0001_initial\")";
    repo.write("blog/migrations/0002_a.py", migration(after, ""));
    repo.write("blog/migrations/0002_b.py", migration(after, ""));
    repo.write(
        "news/migrations/0001_initial.py",
        migration("(\"news\", \"0000_missing\")", ""),
    );
    // One number on two lines of history that no migration joins yet, below the leaves.
    repo.write("tags/migrations/0001_initial.py", migration("", ""));
    let first = "(\"tags\", \"0001_initial\")";
    repo.write("tags/migrations/0002_a.py", migration(first, ""));
    repo.write("tags/migrations/0002_b.py", migration(first, ""));
    repo.write(
        "tags/migrations/0003_x.py",
        migration("(\"tags\", \"0002_a\")", ""),
    );
    repo.write(
        "tags/migrations/0004_y.py",
        migration("(\"tags\", \"0002_b\")", ""),
    );
    // A cycle.
    repo.write(
        "shop/migrations/0001_initial.py",
        migration("(\"shop\", \"0002_next\")", ""),
    );
    repo.write(
        "shop/migrations/0002_next.py",
        migration("(\"shop\", \"0001_initial\")", ""),
    );
    // A syntax error.
    repo.write(
        "cms/migrations/0001_initial.py",
        migration(
            "",
            "        migrations.AddField(\"page\", \"title\", models.TextField(),\n",
        ),
    );
    repo.commit_all("every rule");
    let run = repo.check(&["--all", "--format", "json"]);
    assert_eq!(run.code, 1, "{run:?}");
    let parsed: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON output");
    let rules: BTreeSet<&str> = parsed
        .as_array()
        .expect("an array")
        .iter()
        .filter_map(|finding| finding["rule"].as_str())
        .collect();
    let all: BTreeSet<&str> = check_migrate::check::Rule::ALL
        .into_iter()
        .map(|r| r.id())
        .collect();
    assert_eq!(rules, all, "{}", run.stdout);
    let output = repo.path().join("findings.json");
    std::fs::write(&output, &run.stdout).expect("write the output");
    let schema =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/check-migrate.schema.json");
    let checked = std::process::Command::new(tools::tool("check-jsonschema"))
        .arg("--schemafile")
        .arg(&schema)
        .arg(&output)
        .output()
        .expect("run check-jsonschema");
    assert!(
        checked.status.success(),
        "{}{}",
        String::from_utf8_lossy(&checked.stdout),
        String::from_utf8_lossy(&checked.stderr)
    );
    // And the schema refuses what it should: a finding without its rule.
    let broken = run.stdout.replacen("\"rule\": \"", "\"rules\": \"", 1);
    std::fs::write(&output, broken).expect("write the broken output");
    let checked = std::process::Command::new(tools::tool("check-jsonschema"))
        .arg("--schemafile")
        .arg(&schema)
        .arg(&output)
        .output()
        .expect("run check-jsonschema");
    assert!(
        !checked.status.success(),
        "the schema must refuse a finding without `rule`"
    );
}
