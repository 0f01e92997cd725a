//! Names x field library -> findings. A finding is data (a rule, a byte span, the wrong name
//! and its suggestions); line and column are worked out only when it is printed.

mod rule;

use std::ops::Range;

pub use rule::{Rule, Severity};

use crate::library::{Library, Suggestion};
use crate::migration::{self, FieldName, NameRole, OperationKind, ParseError};
use crate::source::SourceFile;
use crate::text::LineIndex;

/// One reason to stop a commit (or, for a warning, to look twice).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub rule: Rule,
    pub severity: Severity,
    /// 0-based byte span in the file's source: the name inside its quotes, or for a syntax
    /// error the start of the first error (possibly empty).
    pub span: Range<usize>,
    /// The wrong name; `None` for a syntax error.
    pub name: Option<String>,
    pub model: Option<String>,
    /// For a `db_column`: the field whose column it names.
    pub field: Option<String>,
    pub operation: Option<OperationKind>,
    /// Every correct name the library offers, in library order.
    pub suggestions: Vec<Suggestion>,
}

impl Finding {
    /// The headline: what is wrong, in one sentence.
    pub fn message(&self) -> String {
        let Some(name) = &self.name else {
            return "the file does not parse as Python".to_string();
        };
        let names: Vec<String> = self
            .suggestions
            .iter()
            .map(|s| format!("`{}`", s.name))
            .collect();
        let wanted = match names.split_last() {
            Some((last, [])) => last.clone(),
            Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
            None => "renamed".to_string(),
        };
        match self.rule {
            Rule::DbColumn => format!("column `{name}` should be {wanted}"),
            _ => format!("`{name}` should be {wanted}"),
        }
    }

    /// The words under the caret: where the name sits in the migration.
    pub fn label(&self) -> String {
        let model = match &self.model {
            Some(model) => format!("model `{model}`"),
            None => "a model".to_string(),
        };
        match (self.rule, self.operation) {
            (Rule::SyntaxError, _) => "first syntax error here".to_string(),
            (Rule::DbColumn, _) => match &self.field {
                Some(field) => format!("column of field `{field}` of {model}"),
                None => format!("column of a field of {model}"),
            },
            (_, Some(OperationKind::CreateModel)) => format!("field of {model}, created here"),
            (_, Some(OperationKind::AddField)) => format!("field of {model}, added here"),
            (_, Some(OperationKind::AlterField)) => format!("field of {model}, altered here"),
            (_, Some(OperationKind::RenameField)) => {
                format!("new name of a field of {model}, renamed here")
            }
            (_, None) => format!("field of {model}"),
        }
    }
}

/// One checked file. The source is kept only when there is something to print from it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckedFile {
    pub path: String,
    pub source: Vec<u8>,
    pub findings: Vec<Finding>,
}

/// Parse one file and check its names against the library.
pub fn check_file(file: SourceFile, library: &Library) -> Result<CheckedFile, ParseError> {
    let parsed = migration::parse(&file.content)?;
    let lines = LineIndex::new(&file.content);
    let mut findings = Vec::new();
    if let Some(error) = parsed.syntax_error {
        // A syntax error is reported whatever lines the change touched: the file being
        // committed does not parse, and the error's position need not be where the mistake is.
        let line = lines.line_range(&file.content, lines.line(error.start));
        let end = error.end.min(line.end).max(error.start);
        findings.push(Finding {
            rule: Rule::SyntaxError,
            severity: Rule::SyntaxError.default_severity(),
            span: error.start..end,
            name: None,
            model: None,
            field: None,
            operation: None,
            suggestions: Vec::new(),
        });
    }
    for name in parsed.names {
        let Some(suggestions) = library.lookup(&name.name) else {
            continue;
        };
        if !file.touches(lines.line(name.span.start)) {
            continue;
        }
        findings.push(name_finding(name, suggestions));
    }
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

fn name_finding(name: FieldName, suggestions: &[Suggestion]) -> Finding {
    let rule = match name.role {
        NameRole::Introduced => Rule::FieldName,
        NameRole::Altered => Rule::AlteredFieldName,
        NameRole::DbColumn => Rule::DbColumn,
    };
    Finding {
        rule,
        severity: rule.default_severity(),
        span: name.span,
        name: Some(name.name),
        model: name.model,
        field: name.field,
        operation: Some(name.operation),
        suggestions: suggestions.to_vec(),
    }
}
