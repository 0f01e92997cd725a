//! Each rule's documentation, from one source: `check-migrate rule NAME` prints it, `docs/rules.md`
//! is [`markdown`] of every rule (a test keeps the file equal to it), the README's rules table
//! is [`table`], SARIF carries it as each rule's help, and `--help` lists the rules.

use super::{Rule, Severity};

/// A rule's documentation beyond its one-line summary.
pub struct Doc {
    /// What the rule looks at, precisely.
    pub checks: &'static str,
    /// Why it matters.
    pub why: &'static str,
    /// A migration (or a part of one) it reports.
    pub example: &'static str,
    /// How to turn it down or accept a finding.
    pub configure: &'static str,
}

const SEVERITY: &str = "Set its level in a config's `[severity]` table (`error`, `warning` or `off`), or leave it out of a run with `--ignore`.";

impl Rule {
    /// The rule's documentation.
    pub fn doc(self) -> Doc {
        match self {
            Rule::FieldName => Doc {
                checks: "The field names a migration writes: each field of `CreateModel`, `AddField`'s `name`, `RenameField`'s `new_name`, positional or by keyword, looked up in the field library: with no config the built-in misspellings (`desciption`, `addres`), plus the conventions a config switches on (`conventions = [\"timestamps-at\"]`). In a commit only names the change brings into the schema count; with `--all` and paths, the names the schema still has.",
                why: "A column name is forever once it is migrated on every database. The library is the team's agreement on names; a wrong one caught before the commit costs a rename in `models.py`, after the deploy a migration of its own.",
                example: "migrations.AddField(\n    model_name=\"post\",\n    name=\"create_time\",   # `create_time` should be `created_at` (with timestamps-at on)\n    field=models.DateTimeField(auto_now_add=True),\n)",
                configure: "Accept one name on purpose with `# check-migrate: ignore[field-name]` on any line of its operation (in `CreateModel`, of its field entry; on the line `CreateModel(` starts on, for every field of the model), everywhere with `allow = [\"name\"]` or on one model with `allow = [\"Model.name\"]` in the config, or today's findings with a baseline.",
            },
            Rule::AlteredFieldName => Doc {
                checks: "`AlterField`'s `name`, when the library marks it as wrong and the field keeps that name after the change.",
                why: "The column exists already, so this is no new mistake; but a migration that alters the field is a good moment to rename it too, in a `RenameField` of its own.",
                example: "migrations.AlterField(\"post\", \"update_time\", models.DateTimeField(null=True))",
                configure: "A warning by default. The same comments, `allow` and baseline as `field-name` accept it.",
            },
            Rule::DbColumn => Doc {
                checks: "`db_column=\"...\"` in a field constructor of an operation (`CreateModel`, `AddField`, `AlterField`), when the library marks the column name as wrong and the change brings that column into the schema.",
                why: "`db_column` names the real column: a field can be called right in Python and still write a wrong name into the database.",
                example: "migrations.AddField(\"customer\", \"address\", models.TextField(db_column=\"addres\"))",
                configure: "Accept it with `# check-migrate: ignore[db-column]` on a line of its operation or field entry, `allow`, or a baseline.",
            },
            Rule::SyntaxError => Doc {
                checks: "Whether the migration parses as Python (a module-level statement that starts indented included). The rest of the file is still checked as far as it can be read.",
                why: "Django cannot import a migration that does not parse, so `migrate` stops there, and names in the broken part cannot be judged.",
                example: "operations = [\n    migrations.AddField(\"post\", \"title\", models.TextField()\n]   # the call is never closed",
                configure: "It cannot be accepted by a comment. Switch it off in `[severity]` only if another tool checks syntax.",
            },
            Rule::InvalidSuppression => Doc {
                checks: "Every `# check-migrate:` comment: it must read `# check-migrate: ignore` or `# check-migrate: ignore[rule, ...]` with known rule ids. A mistyped id is answered with the closest one.",
                why: "A suppression that cannot be read suppresses nothing, silently: the team would believe a name was accepted when it is not.",
                example: "(\"create_time\", models.DateTimeField()),  # check-migrate: ignore[fieldname]",
                configure: "A warning by default. Fix the comment; the rules it names correctly still apply.",
            },
            Rule::UnusedSuppression => Doc {
                checks: "With `--all`: a suppression comment that suppresses no finding.",
                why: "Suppressions outlive what they were written for (the name was renamed, the rule switched off); unused ones hide the next real mistake on their line.",
                example: "(\"title\", models.TextField()),  # check-migrate: ignore[field-name]",
                configure: "A warning, and only with `--all`. Remove the comment.",
            },
            Rule::MultipleLeaves => Doc {
                checks: "Whether an app has more than one leaf migration (one nothing in the app depends on), judged for the apps a change touches, with every migration of the app read.",
                why: "`python manage.py migrate` refuses to run with two leaves (\"Conflicting migrations detected\"): two branches that each added a migration break the deploy after they merge.",
                example: "blog/migrations/0002_post_body.py     dependencies = [(\"blog\", \"0001_initial\")]\nblog/migrations/0002_post_summary.py  dependencies = [(\"blog\", \"0001_initial\")]",
                configure: "Not accepted by a comment: it is about the app, not a line. Run `python manage.py makemigrations --merge` and commit the merge migration.",
            },
            Rule::MissingDependency => Doc {
                checks: "Each `dependencies` and `run_before` entry that names a migration of an app in the repository: that migration must exist (a squashed migration's `replaces` answers for those it replaces).",
                why: "Django raises `NodeNotFoundError` at start-up for a dependency that does not exist, usually a typo or a migration renamed on another branch.",
                example: "dependencies = [(\"blog\", \"0003_post_tittle\")]   # there is no such migration",
                configure: "Fix the name or add the migration; a dependency on an app outside the repository is never judged.",
            },
            Rule::DuplicateNumber => Doc {
                checks: "Two migrations of one app whose names start with the same number.",
                why: "Usually two branches each made their `0004`: a merge migration may join them, but often the second leaf is still to come.",
                example: "blog/migrations/0004_post_tags.py\nblog/migrations/0004_post_views.py",
                configure: "A warning by default. Renumber one of them, or check that a merge migration joins both branches.",
            },
            Rule::DependencyCycle => Doc {
                checks: "Migrations that depend on each other in a cycle, across apps included; the cycle is named.",
                why: "Django cannot order a cycle and refuses to migrate (`CircularDependencyError`).",
                example: "blog/0002 depends on shop/0003, and shop/0003 on blog/0002",
                configure: "Break the cycle: one of these dependencies must go.",
            },
        }
    }

    /// The page of `check-migrate rule NAME`.
    pub fn page(self) -> String {
        let doc = self.doc();
        let severity = match self.default_severity() {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let example: String = doc
            .example
            .lines()
            .map(|line| format!("    {line}\n"))
            .collect();
        let configure = match self {
            Rule::SyntaxError | Rule::InvalidSuppression | Rule::UnusedSuppression => {
                doc.configure.to_string()
            }
            _ => format!("{} {SEVERITY}", doc.configure),
        };
        format!(
            "{id} (default: {severity})\n\n{summary}\n\nWhat it checks\n    {checks}\n\nWhy\n    {why}\n\nExample\n{example}\nWhat to do\n    {advice}\n\nConfigure\n    {configure}\n",
            id = self.id(),
            summary = self.summary(),
            checks = doc.checks,
            why = doc.why,
            advice = self.advice(),
        )
    }

    /// The rule's section of `docs/rules.md`, in Markdown.
    pub fn markdown(self) -> String {
        let doc = self.doc();
        let severity = match self.default_severity() {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let configure = match self {
            Rule::SyntaxError | Rule::InvalidSuppression | Rule::UnusedSuppression => {
                doc.configure.to_string()
            }
            _ => format!("{} {SEVERITY}", doc.configure),
        };
        format!(
            "## {id}\n\nDefault: {severity}. {summary}\n\n**What it checks.** {checks}\n\n**Why.** {why}\n\n```python\n{example}\n```\n\n**What to do.** {advice}\n\n**Configure.** {configure}\n",
            id = self.id(),
            summary = self.summary(),
            checks = doc.checks,
            why = doc.why,
            example = doc.example,
            advice = self.advice(),
        )
    }
}

/// `docs/rules.md`: every rule, in order.
pub fn markdown() -> String {
    let sections: Vec<String> = Rule::ALL.into_iter().map(Rule::markdown).collect();
    format!(
        "# Rules\n\nWritten by `check-migrate rule --all`; `check-migrate rule NAME` prints one.\n\n{}",
        sections.join("\n")
    )
}

/// The README's rules table.
pub fn table() -> String {
    let mut out = String::from("| rule | default | reports |\n|---|---|---|\n");
    for rule in Rule::ALL {
        let severity = match rule.default_severity() {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        out.push_str(&format!(
            "| [`{id}`](docs/rules.md#{id}) | {severity} | {} |\n",
            rule.summary(),
            id = rule.id()
        ));
    }
    out
}

/// The rules for `--help`: one line each.
pub fn help_list() -> String {
    let width = Rule::ALL.iter().map(|r| r.id().len()).max().unwrap_or(0);
    let lines: Vec<String> = Rule::ALL
        .into_iter()
        .map(|rule| format!("  {:<width$}  {}", rule.id(), rule.summary()))
        .collect();
    format!(
        "Rules (`check-migrate rule NAME` explains one):\n{}",
        lines.join("\n")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The documentation files say what the one source says.
    #[test]
    fn docs_and_readme_are_the_source() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let docs = std::fs::read_to_string(root.join("docs/rules.md")).expect("docs/rules.md");
        assert_eq!(
            docs,
            markdown(),
            "docs/rules.md is stale: `cargo run -- rule --all > docs/rules.md`"
        );
        let readme = std::fs::read_to_string(root.join("README.md")).expect("README.md");
        assert!(
            readme.contains(&table()),
            "README's rules table is stale; it should read:\n{}",
            table()
        );
    }

    #[test]
    fn every_page_names_its_rule_and_advice() {
        for rule in Rule::ALL {
            let page = rule.page();
            assert!(page.starts_with(rule.id()), "{page}");
            assert!(page.contains(rule.advice()), "{page}");
            assert!(!rule.doc().example.is_empty());
        }
    }
}
