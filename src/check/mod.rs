//! Names x field library -> findings. A finding is data (a rule, a byte span, the wrong name
//! and its suggestions); line and column are worked out only when it is printed.

mod declaration;
mod graph;
mod labels;
mod models;
mod prefilter;
mod rule;
pub mod rule_docs;
mod schema;
mod settings;
mod suppress;
#[cfg(test)]
mod tests;

use std::collections::HashSet;
use std::ops::Range;

pub use declaration::{AppModels, Declaration, ModuleCache, Modules, NoModules};
pub use graph::{GraphNode, GraphReport, Note, Status, check_graph};
pub use labels::{AppLabel, AppLabels, Declared, Labels, app_dir, declared, unread};
pub use models::check_model_file;
pub use prefilter::Prefilter;
pub use rule::{Rule, Severity};
pub use schema::{AppMigration, Schema, Standing, Superseded};
pub use settings::{Level, RuleSettings};

use crate::library::{Library, Suggestion};
use crate::migration::{
    self, FieldName, Header, Migration, NameRole, OperationKind, Operations, ParseError,
};
use crate::source::SourceFile;
use crate::text::LineIndex;
use crate::timings::{FileClock, Step};

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
    /// For the suppression rules: what is wrong with the comment; for the graph rules, the
    /// whole message.
    pub detail: Option<String>,
    /// What to do about this finding, when it is more than the rule's general advice.
    pub help: Option<String>,
    /// Where the field is declared in the app's models, when that is known.
    pub declaration: Option<Declaration>,
}

impl Finding {
    /// The note on where the field is declared, when that is known.
    pub fn declaration_note(&self) -> Option<String> {
        let name = self.name.as_deref().unwrap_or_default();
        let declaration = self.declaration.as_ref()?;
        Some(declaration.note(self.declared_field(), name))
    }

    /// The model field the finding is about: the field whose column a `db-column` finding
    /// names, else the name itself.
    pub fn declared_field(&self) -> &str {
        match (self.rule, &self.field) {
            (Rule::DbColumn, Some(field)) => field,
            _ => self.name.as_deref().unwrap_or_default(),
        }
    }

    /// What to do: this finding's own help, else the rule's advice.
    pub fn advice(&self) -> &str {
        self.help.as_deref().unwrap_or(self.rule.advice())
    }

    /// The headline: what is wrong, in one sentence.
    pub fn message(&self) -> String {
        match self.rule {
            Rule::SyntaxError => {
                return match &self.detail {
                    Some(why) => format!("the file does not parse as Python: {why}"),
                    None => "the file does not parse as Python".to_string(),
                };
            }
            Rule::InvalidSuppression => {
                return format!(
                    "suppression comment: {}",
                    self.detail.as_deref().unwrap_or("cannot be read")
                );
            }
            Rule::UnusedSuppression => {
                return "suppression comment suppresses nothing".to_string();
            }
            Rule::MultipleLeaves
            | Rule::MissingDependency
            | Rule::DuplicateNumber
            | Rule::DependencyCycle => {
                return self
                    .detail
                    .clone()
                    .unwrap_or_else(|| self.rule.summary().to_string());
            }
            Rule::FieldName | Rule::AlteredFieldName | Rule::DbColumn => {}
        }
        let Some(name) = &self.name else {
            return "a name should be renamed".to_string();
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
            (Rule::SyntaxError, _) if self.detail.is_some() => "here".to_string(),
            (Rule::SyntaxError, _) => "first syntax error here".to_string(),
            (Rule::InvalidSuppression | Rule::UnusedSuppression, _) => "this comment".to_string(),
            (Rule::MultipleLeaves, _) => "a leaf: nothing in its app depends on it".to_string(),
            (Rule::MissingDependency, _) => "no such migration".to_string(),
            (Rule::DuplicateNumber, _) => "this migration".to_string(),
            (Rule::DependencyCycle, _) => "part of a cycle".to_string(),
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

/// What a check needs besides the file and the library.
#[derive(Debug, Clone, Copy)]
pub struct CheckOptions<'a> {
    pub rules: &'a RuleSettings,
    /// Report suppression comments that suppress nothing (in `--all`, where every finding of
    /// the file is in view).
    pub report_unused_suppressions: bool,
    /// Files it rules out are parsed for syntax errors only; `None` walks every file.
    pub prefilter: Option<&'a Prefilter>,
    /// Where parse and check times are added up, for `--timings`.
    pub clock: Option<&'a FileClock>,
    /// Read the operations as they change the model state (for `--all`'s schema): a file
    /// the prefilter rules out is still parsed whole and its operations read.
    pub operations: bool,
}

/// Parse one file and check its names against the library.
/// Also returns the file's migration header, for the graph checks, and its state operations
/// when asked for them.
pub fn check_file(
    file: SourceFile,
    library: &Library,
    options: CheckOptions<'_>,
) -> Result<(CheckedFile, Header, Operations), ParseError> {
    let walk = options
        .prefilter
        .is_none_or(|prefilter| may_hold_finding(prefilter, &file));
    if let Some(clock) = options.clock {
        clock.count(walk);
    }
    let parse = || {
        if walk {
            migration::parse(&file.content)
        } else if options.operations {
            migration::parse_operations(&file.content)
        } else if options.rules.severity(Rule::SyntaxError).is_some() {
            migration::parse_syntax(&file.content)
        } else {
            // Nothing to report but the graph: the header alone, read the cheap way.
            migration::parse_header(&file.content).map(|header| Migration {
                header,
                ..Migration::default()
            })
        }
    };
    let mut parsed = match options.clock {
        Some(clock) => clock.time(Step::Parse, parse)?,
        None => parse()?,
    };
    let header = std::mem::take(&mut parsed.header);
    let operations = std::mem::take(&mut parsed.operations);
    let check = || {
        (
            names_to_findings(file, parsed, library, options),
            header,
            operations,
        )
    };
    Ok(match options.clock {
        Some(clock) => clock.time(Step::Check, check),
        None => check(),
    })
}

/// Check one migration's source where every line counts, as `--all` does, with no files and
/// no git: the seam for tests of the rules and for tools that hold the text already.
pub fn check_source(
    source: &[u8],
    library: &Library,
    rules: &RuleSettings,
) -> Result<Vec<Finding>, ParseError> {
    let file = SourceFile {
        path: String::new(),
        content: source.to_vec(),
        added_lines: None,
        before: Vec::new(),
    };
    let options = CheckOptions {
        rules,
        report_unused_suppressions: true,
        prefilter: None,
        clock: None,
        operations: false,
    };
    Ok(check_file(file, library, options)?.0.findings)
}

/// Whether the prefilter lets the file through. When only some lines count (a staged edit),
/// only those lines are searched: a name literal and its quotes sit on one line, so a finding
/// on an added line needs its quoted name on that line, or the call of its operation
/// (`AddField(`) there. A file with an earlier version is searched whole when the added lines
/// hold nothing: an edit elsewhere can make an old line's name live, and whether it did is
/// decided against that version.
fn may_hold_finding(prefilter: &Prefilter, file: &SourceFile) -> bool {
    let Some(ranges) = &file.added_lines else {
        return prefilter.may_match(&file.content);
    };
    if !file.before.is_empty() && prefilter.may_match(&file.content) {
        return true;
    }
    let lines = LineIndex::new(&file.content);
    ranges
        .iter()
        .filter(|range| range.end > range.start)
        .any(|range| {
            let start = lines.line_range(&file.content, range.start).start;
            let end = lines.line_range(&file.content, range.end - 1).end;
            file.content.get(start..end).is_some_and(|text| {
                // An added operation call makes every name of the operation new, wherever
                // the names are.
                let call = |kind: OperationKind| {
                    let name = kind.as_str().as_bytes();
                    text.windows(name.len() + 1)
                        .any(|w| w.starts_with(name) && w.ends_with(b"("))
                };
                prefilter.may_match(text) || OperationKind::ALL.into_iter().any(call)
            })
        })
}

/// Everything after the parse: suppressions, lookups, severities and the line filter.
fn names_to_findings(
    file: SourceFile,
    parsed: Migration,
    library: &Library,
    options: CheckOptions<'_>,
) -> CheckedFile {
    let lines = LineIndex::new(&file.content);
    let mut findings = Vec::new();
    if let Some(error) = parsed.syntax_error {
        // A syntax error is reported whatever lines the change touched: the file being
        // committed does not parse, and the error's position need not be where the mistake is.
        // Where Python would say what is wrong (a bracket never closed, a string, a conflict
        // marker), the finding points at the culprit and says so.
        match crate::migration::syntax::cause(&file.content) {
            Some(cause) => {
                let detail = Some(cause.message);
                findings.push(Finding::plain(Rule::SyntaxError, cause.span, detail));
            }
            None => {
                let line = lines.line_range(&file.content, lines.line(error.start));
                let end = error.end.min(line.end).max(error.start);
                findings.push(Finding::plain(Rule::SyntaxError, error.start..end, None));
            }
        }
    }
    let (mut suppressions, invalid) = suppress::read_all(&parsed.comments, &file.content, &lines);
    findings.extend(invalid);
    let mut earlier = Earlier::new(&file.before);
    for name in parsed.names {
        let Some(suggestions) = library.lookup(&name.name) else {
            continue;
        };
        if options.rules.is_allowed(name.model.as_deref(), &name.name) {
            continue;
        }
        // A name the change brings: on an added line, in an operation whose call the change
        // wrote (`AlterField(` edited into `AddField(` makes an old line's name new), or live
        // now in an operation no earlier version had it in (a `"""` taken out around it).
        let brought = file.touches(lines.line(name.span.start))
            || file.touches(lines.line(name.operation_span.start))
            || earlier.brings(&name);
        if !brought {
            continue;
        }
        let covered = covered_lines(&lines, &name);
        let finding = name_finding(name, suggestions);
        if let Some(used) = suppressions
            .iter_mut()
            .find(|s| s.covers(finding.rule, &covered))
        {
            used.used = true;
            continue;
        }
        findings.push(finding);
    }
    if options.report_unused_suppressions {
        findings.extend(
            suppressions
                .iter()
                .filter(|s| !s.used)
                .map(|s| Finding::plain(Rule::UnusedSuppression, s.span.clone(), None)),
        );
    }
    findings.retain_mut(|finding| {
        let Some(severity) = options.rules.severity(finding.rule) else {
            return false;
        };
        finding.severity = severity;
        // Syntax errors count wherever they are; names were judged above.
        finding.rule == Rule::SyntaxError
            || finding.name.is_some()
            || file.touches(lines.line(finding.span.start))
    });
    findings.sort_by_key(|f| (f.span.start, f.rule));
    let source = if findings.is_empty() {
        Vec::new()
    } else {
        file.content
    };
    CheckedFile {
        path: file.path,
        source,
        findings,
    }
}

/// The names each earlier version of a file holds live, parsed only when a wrong name on an
/// unchanged line asks.
struct Earlier<'a> {
    before: &'a [Vec<u8>],
    /// One set per earlier version; `None` until first asked.
    live: Option<Vec<HashSet<NameKey>>>,
}

/// What makes a name the same name in two versions of a file: where it sits in the schema,
/// not on which line.
#[derive(PartialEq, Eq, Hash)]
struct NameKey {
    operation: OperationKind,
    role: NameRole,
    /// Lower-cased: Django compares model names case-insensitively.
    model: Option<String>,
    field: Option<String>,
    name: String,
}

impl NameKey {
    fn of(name: &FieldName) -> NameKey {
        NameKey {
            operation: name.operation,
            role: name.role,
            model: name.model.as_ref().map(|m| m.to_lowercase()),
            field: name.field.clone(),
            name: name.name.clone(),
        }
    }
}

impl<'a> Earlier<'a> {
    fn new(before: &'a [Vec<u8>]) -> Earlier<'a> {
        Earlier { before, live: None }
    }

    /// Whether no earlier version holds this name live in the same place. With no earlier
    /// version (a new file, or a mode that counts lines only) the lines alone decide.
    fn brings(&mut self, name: &FieldName) -> bool {
        if self.before.is_empty() {
            return false;
        }
        let before = self.before;
        let live = self.live.get_or_insert_with(|| {
            before
                .iter()
                .map(|content| match migration::parse(content) {
                    Ok(parsed) => parsed.names.iter().map(NameKey::of).collect(),
                    // An earlier version that cannot be read holds nothing we can vouch for.
                    Err(_) => HashSet::new(),
                })
                .collect()
        });
        let key = NameKey::of(name);
        !live.iter().any(|names| names.contains(&key))
    }
}

/// The 1-based line ranges (end exclusive) on which a suppression comment accepts a finding
/// of this name: the whole operation, except in `CreateModel`, where each field entry stands
/// alone and only the line the call starts on speaks for every field.
fn covered_lines(lines: &LineIndex, name: &FieldName) -> [Range<usize>; 2] {
    let span_lines =
        |span: &Range<usize>| lines.line(span.start)..lines.line(span.end.saturating_sub(1)) + 1;
    let operation = span_lines(&name.operation_span);
    if name.operation == OperationKind::CreateModel {
        [
            span_lines(&name.entry_span),
            operation.start..operation.start + 1,
        ]
    } else {
        [operation.clone(), operation]
    }
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
        detail: None,
        help: None,
        declaration: None,
    }
}

impl Finding {
    /// A finding with no name: a syntax error or a suppression comment.
    fn plain(rule: Rule, span: Range<usize>, detail: Option<String>) -> Finding {
        Finding {
            rule,
            severity: rule.default_severity(),
            span,
            name: None,
            model: None,
            field: None,
            operation: None,
            suggestions: Vec::new(),
            detail,
            help: None,
            declaration: None,
        }
    }
}
