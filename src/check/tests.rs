//! The rules through the in-process seam (`check_source`): source text in, findings out, as
//! squawk tests its rules, with no repository or binary in between.

use super::{Level, Rule, RuleSettings, Severity, check_source};

fn findings(source: &str, rules: &RuleSettings) -> Vec<(Rule, Severity, String)> {
    check_source(
        source.as_bytes(),
        &crate::library::with_conventions(),
        rules,
    )
    .expect("parser runs")
    .into_iter()
    .map(|f| (f.rule, f.severity, f.message()))
    .collect()
}

const SOURCE: &str = "from django.db import migrations, models\n\n\nclass Migration(migrations.Migration):\n    operations = [\n        migrations.AddField(\"post\", \"create_time\", models.DateTimeField()),\n        migrations.AlterField(\"post\", \"update_time\", models.DateTimeField(db_column=\"desc\")),\n    ]\n";

#[test]
fn each_rule_with_its_default_severity() {
    assert_eq!(
        findings(SOURCE, &RuleSettings::default()),
        [
            (
                Rule::FieldName,
                Severity::Error,
                "`create_time` should be `created_at`".to_string()
            ),
            (
                Rule::AlteredFieldName,
                Severity::Warning,
                "`update_time` should be `updated_at`".to_string()
            ),
            (
                Rule::DbColumn,
                Severity::Error,
                "column `desc` should be `description`".to_string()
            ),
        ]
    );
}

#[test]
fn allow_and_severity_settings() {
    let mut rules = RuleSettings::default();
    rules.allow("Post.create_time");
    rules.set_level(Rule::DbColumn, Level::Off);
    rules.set_level(Rule::AlteredFieldName, Level::Error);
    assert_eq!(
        findings(SOURCE, &rules),
        [(
            Rule::AlteredFieldName,
            Severity::Error,
            "`update_time` should be `updated_at`".to_string()
        )]
    );
}

#[test]
fn suppression_and_unused_suppression() {
    let source = SOURCE.replace(
        "models.DateTimeField()),\n        migrations.AlterField",
        "models.DateTimeField()),  # check-migrate: ignore[field-name]\n        migrations.AlterField",
    ) + "# check-migrate: ignore\n";
    let rules: Vec<Rule> = findings(&source, &RuleSettings::default())
        .into_iter()
        .map(|(rule, _, _)| rule)
        .collect();
    assert_eq!(
        rules,
        [
            Rule::AlteredFieldName,
            Rule::DbColumn,
            Rule::UnusedSuppression
        ]
    );
}
