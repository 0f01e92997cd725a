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
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Severity {
    Error,
    Warning,
}

impl Rule {
    pub const ALL: [Rule; 6] = [
        Rule::FieldName,
        Rule::AlteredFieldName,
        Rule::DbColumn,
        Rule::SyntaxError,
        Rule::InvalidSuppression,
        Rule::UnusedSuppression,
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
        }
    }

    pub fn from_id(id: &str) -> Option<Rule> {
        Rule::ALL.into_iter().find(|rule| rule.id() == id)
    }

    pub fn default_severity(self) -> Severity {
        match self {
            Rule::AlteredFieldName | Rule::InvalidSuppression | Rule::UnusedSuppression => {
                Severity::Warning
            }
            Rule::FieldName | Rule::DbColumn | Rule::SyntaxError => Severity::Error,
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
        }
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
    fn naming_rules_and_syntax_errors_are_errors_by_default() {
        let errors: Vec<_> = Rule::ALL
            .into_iter()
            .filter(|r| r.default_severity() == Severity::Error)
            .collect();
        assert_eq!(errors, [Rule::FieldName, Rule::DbColumn, Rule::SyntaxError]);
    }
}
