//! The rules check-migrate knows: their ids, default severities and the words printers use to
//! describe them.

use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Rule {
    FieldName,
    AlteredFieldName,
    DbColumn,
    SyntaxError,
    InvalidSuppression,
    UnusedSuppression,
    MultipleLeaves,
    MissingDependency,
    DuplicateNumber,
    DependencyCycle,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Severity {
    Error,
    Warning,
}

impl Rule {
    pub const ALL: [Rule; 10] = [
        Rule::FieldName,
        Rule::AlteredFieldName,
        Rule::DbColumn,
        Rule::SyntaxError,
        Rule::InvalidSuppression,
        Rule::UnusedSuppression,
        Rule::MultipleLeaves,
        Rule::MissingDependency,
        Rule::DuplicateNumber,
        Rule::DependencyCycle,
    ];

    /// The id users write in suppressions, config and `--format` output.
    pub fn id(self) -> &'static str {
        match self {
            Rule::FieldName => "field-name",
            Rule::AlteredFieldName => "altered-field-name",
            Rule::DbColumn => "db-column",
            Rule::SyntaxError => "syntax-error",
            Rule::InvalidSuppression => "invalid-suppression",
            Rule::UnusedSuppression => "unused-suppression",
            Rule::MultipleLeaves => "multiple-leaves",
            Rule::MissingDependency => "missing-dependency",
            Rule::DuplicateNumber => "duplicate-number",
            Rule::DependencyCycle => "dependency-cycle",
        }
    }

    pub fn from_id(id: &str) -> Option<Rule> {
        Rule::ALL.into_iter().find(|rule| rule.id() == id)
    }

    /// The rule whose id is closest to `id`, when it is close enough to be a typo of it
    /// (for "did you mean").
    pub fn closest(id: &str) -> Option<Rule> {
        let (distance, rule) = Rule::ALL
            .into_iter()
            .map(|rule| (crate::text::edit_distance(id, rule.id()), rule))
            .min_by_key(|(distance, _)| *distance)?;
        (distance <= (rule.id().len() / 3).max(1)).then_some(rule)
    }

    pub fn default_severity(self) -> Severity {
        match self {
            Rule::AlteredFieldName
            | Rule::InvalidSuppression
            | Rule::UnusedSuppression
            | Rule::DuplicateNumber => Severity::Warning,
            Rule::FieldName
            | Rule::DbColumn
            | Rule::SyntaxError
            | Rule::MultipleLeaves
            | Rule::MissingDependency
            | Rule::DependencyCycle => Severity::Error,
        }
    }

    /// One sentence: what the rule reports.
    pub fn summary(self) -> &'static str {
        match self {
            Rule::FieldName => {
                "A migration introduces a field whose name the field library marks as wrong."
            }
            Rule::AlteredFieldName => {
                "AlterField touches a field whose name the field library marks as wrong."
            }
            Rule::DbColumn => "A field's db_column is a name the field library marks as wrong.",
            Rule::SyntaxError => "The migration file does not parse as Python.",
            Rule::InvalidSuppression => {
                "A `# check-migrate:` comment cannot be read or names an unknown rule."
            }
            Rule::UnusedSuppression => {
                "A suppression comment suppresses nothing (reported with --all)."
            }
            Rule::MultipleLeaves => {
                "An app has more than one leaf migration: `migrate` will refuse to run."
            }
            Rule::MissingDependency => {
                "A migration depends on a migration of a repository app that does not exist."
            }
            Rule::DuplicateNumber => "Two migrations of one app have the same number.",
            Rule::DependencyCycle => "Migrations depend on each other in a cycle.",
        }
    }

    /// Whether a `# check-migrate: ignore[...]` comment can accept a finding of this rule.
    /// Graph findings are about an app, not a line, and syntax errors are never accepted.
    pub fn accepts_comment(self) -> bool {
        matches!(
            self,
            Rule::FieldName | Rule::AlteredFieldName | Rule::DbColumn
        )
    }

    /// What to do about a finding of this rule.
    pub fn advice(self) -> &'static str {
        match self {
            Rule::FieldName => "Rename the model field and regenerate the migration.",
            Rule::AlteredFieldName => {
                "The column exists already: rename it in a migration of its own (RenameField) when you can."
            }
            Rule::DbColumn => "Change `db_column` on the model field and regenerate the migration.",
            Rule::SyntaxError => {
                "Fix the syntax; the rest of the file was still checked as far as it could be read."
            }
            Rule::InvalidSuppression => {
                "Write `# check-migrate: ignore` or `# check-migrate: ignore[rule, ...]` with known rule ids."
            }
            Rule::UnusedSuppression => {
                "Remove the comment, or move it to the operation it was meant for."
            }
            Rule::MultipleLeaves => {
                "Merge the leaves with `python manage.py makemigrations --merge` and commit the merge migration."
            }
            Rule::MissingDependency => {
                "Fix the name (see the app's migrations directory), or add the missing migration."
            }
            Rule::DuplicateNumber => {
                "Renumber one of them, or check that a merge migration joins both branches."
            }
            Rule::DependencyCycle => "Break the cycle: one of these dependencies must go.",
        }
    }
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_and_are_unique() {
        for rule in Rule::ALL {
            assert_eq!(Rule::from_id(rule.id()), Some(rule));
        }
        assert_eq!(Rule::from_id("no-such-rule"), None);
    }

    #[test]
    fn typos_find_their_rule() {
        assert_eq!(Rule::closest("field-nmae"), Some(Rule::FieldName));
        assert_eq!(Rule::closest("multiple-leaf"), Some(Rule::MultipleLeaves));
        assert_eq!(Rule::closest("db_column"), Some(Rule::DbColumn));
        assert_eq!(Rule::closest("everything"), None);
    }

    #[test]
    fn naming_rules_and_syntax_errors_are_errors_by_default() {
        let errors: Vec<_> = Rule::ALL
            .into_iter()
            .filter(|r| r.default_severity() == Severity::Error)
            .collect();
        assert_eq!(
            errors,
            [
                Rule::FieldName,
                Rule::DbColumn,
                Rule::SyntaxError,
                Rule::MultipleLeaves,
                Rule::MissingDependency,
                Rule::DependencyCycle
            ]
        );
    }
}
