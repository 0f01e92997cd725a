//! The naming rules on model files: each field a model class declares
//! (`name = models.CharField(...)`) and its `db_column`, looked up in the library as a
//! migration's names are, so a wrong name shows before `makemigrations` writes it. In a
//! change only declarations on added lines count; a `# check-migrate: ignore[...]` comment on
//! a line of the declaration and `allow` accept one.

use super::suppress;
use super::{CheckedFile, Finding, Rule, RuleSettings};
use crate::library::Library;
use crate::migration::{ParseError, model_module};
use crate::source::SourceFile;
use crate::text::LineIndex;

/// What to do about a wrong name in a model.
const ADVICE: &str = "Rename the field in the model; `makemigrations` then writes the migration \
                      (a RenameField when the field is migrated already).";

/// Check the field declarations of one model file.
pub fn check_model_file(
    file: SourceFile,
    library: &Library,
    rules: &RuleSettings,
) -> Result<CheckedFile, ParseError> {
    let module = model_module(&file.content)?;
    let lines = LineIndex::new(&file.content);
    let (mut suppressions, mut findings) =
        suppress::read_all(&module.comments, &file.content, &lines);
    for class in &module.classes {
        for declared in &class.fields {
            let statement = lines.line(declared.statement.start)
                ..lines.line(declared.statement.end.saturating_sub(1)) + 1;
            let column = declared
                .db_column
                .iter()
                .map(|(name, span)| (Rule::DbColumn, name, span, Some(declared.name.clone())));
            let named = std::iter::once((Rule::FieldName, &declared.name, &declared.span, None));
            for (rule, name, span, field) in named.chain(column) {
                let Some(suggestions) = library.lookup(name) else {
                    continue;
                };
                if rules.is_allowed(Some(&class.name), name) {
                    continue;
                }
                if !file.touches(lines.line(span.start)) {
                    continue;
                }
                let covered = [statement.clone()];
                if let Some(used) = suppressions.iter_mut().find(|s| s.covers(rule, &covered)) {
                    used.used = true;
                    continue;
                }
                findings.push(Finding {
                    rule,
                    severity: rule.default_severity(),
                    span: span.clone(),
                    name: Some(name.clone()),
                    model: Some(class.name.clone()),
                    field,
                    operation: None,
                    suggestions: suggestions.to_vec(),
                    detail: None,
                    help: Some(ADVICE.to_string()),
                    declaration: None,
                });
            }
        }
    }
    findings.retain_mut(|finding| {
        let Some(severity) = rules.severity(finding.rule) else {
            return false;
        };
        finding.severity = severity;
        finding.name.is_some() || file.touches(lines.line(finding.span.start))
    });
    findings.sort_by_key(|f| (f.span.start, f.rule));
    let source = if findings.is_empty() {
        Vec::new()
    } else {
        file.content
    };
    Ok(CheckedFile {
        path: file.path,
        source,
        findings,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(source: &str, rules: &RuleSettings) -> Vec<(Rule, String, String)> {
        let file = SourceFile {
            path: "blog/models.py".to_string(),
            content: source.as_bytes().to_vec(),
            added_lines: None,
            before: Vec::new(),
        };
        let checked =
            check_model_file(file, &crate::library::with_conventions(), rules).expect("parses");
        checked
            .findings
            .iter()
            .map(|f| {
                let at = &source[f.span.clone()];
                (f.rule, f.message(), at.to_string())
            })
            .collect()
    }

    const MODELS: &str = "from django.db import models\n\n\nclass Post(models.Model):\n    create_time = models.DateTimeField()\n    title = models.CharField(\n        db_column=\"desc\",\n    )\n    sex = models.CharField()  # check-migrate: ignore[field-name]\n    objects = models.Manager()\n";

    #[test]
    fn fields_and_columns_of_model_classes() {
        assert_eq!(
            check(MODELS, &RuleSettings::default()),
            [
                (
                    Rule::FieldName,
                    "`create_time` should be `created_at`".to_string(),
                    "create_time".to_string()
                ),
                (
                    Rule::DbColumn,
                    "column `desc` should be `description`".to_string(),
                    "desc".to_string()
                ),
            ]
        );
        let mut rules = RuleSettings::default();
        rules.allow("Post.create_time");
        rules.set_level(Rule::DbColumn, crate::check::Level::Off);
        assert_eq!(check(MODELS, &rules), []);
    }
}
