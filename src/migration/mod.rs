//! Parse one migration file with tree-sitter-python into an owned list of the field names it
//! introduces, each with the byte span of its string literal. No tree-sitter type leaves this
//! module.

use std::ops::Range;

use tree_sitter::{Parser, Tree};

mod appconfig;
mod extract;
mod header;
pub mod mentions;
mod models;
mod ops;
mod scan;

pub use appconfig::{AppConfigClass, AppModule, Attribute, app_configs};
pub use header::{Assignment, Header, Reference, Unknown};
pub use models::{FieldDeclaration, Import, ModelClass, ModelModule, model_module};
pub use ops::{Column, FieldDef, Located, Operations, StateOp};
mod strings;
pub mod syntax;
#[cfg(test)]
mod tests;
mod walk;

/// The Django operation a name was found in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OperationKind {
    CreateModel,
    AddField,
    AlterField,
    RenameField,
}

impl OperationKind {
    pub const ALL: [OperationKind; 4] = [
        OperationKind::CreateModel,
        OperationKind::AddField,
        OperationKind::AlterField,
        OperationKind::RenameField,
    ];

    /// The class name as Django spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            OperationKind::CreateModel => "CreateModel",
            OperationKind::AddField => "AddField",
            OperationKind::AlterField => "AlterField",
            OperationKind::RenameField => "RenameField",
        }
    }
}

/// What role a name plays in its operation; decides which rule looks at it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NameRole {
    /// A field name the operation introduces: a `CreateModel` field entry, `AddField`'s `name`,
    /// `RenameField`'s `new_name`.
    Introduced,
    /// `AlterField`'s `name`: the column exists already.
    Altered,
    /// The value of `db_column="..."` in a field constructor.
    DbColumn,
}

/// One name found in a migration. Spans are 0-based byte offsets into the file as given to
/// [`parse`]; line and column are computed only when printing (see `crate::text`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldName {
    /// The literal's value: the name without quotes or prefix.
    pub name: String,
    /// Bytes of the name inside its quotes.
    pub span: Range<usize>,
    pub role: NameRole,
    pub operation: OperationKind,
    /// The model as written in the operation (`name=` of `CreateModel`, `model_name=` of the
    /// others), when it is a plain string literal.
    pub model: Option<String>,
    /// For a `db_column`: the field the column belongs to, when known.
    pub field: Option<String>,
    /// Bytes of the whole operation call, from the callee to the closing parenthesis.
    pub operation_span: Range<usize>,
    /// Bytes of the smallest construct the name belongs to: the `("name", Field(...))` entry of
    /// `CreateModel`, or the argument of the other operations.
    pub entry_span: Range<usize>,
}

/// Everything the checks need from one file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Migration {
    /// Names in source order.
    pub names: Vec<FieldName>,
    /// The first syntax error (an `ERROR` or missing node) in document order, if any.
    pub syntax_error: Option<Range<usize>>,
    /// Byte spans of the comments outside function bodies, in source order.
    pub comments: Vec<Range<usize>>,
    /// The class's `dependencies`, `replaces` and `run_before`.
    pub header: Header,
    /// The operations as they change the model state, in the order Django applies them.
    pub operations: Operations,
}

/// The parser could not run at all (never because of the input's content).
#[derive(Debug, thiserror::Error)]
pub enum ParseError {
    #[error("tree-sitter-python could not be loaded: {0}")]
    Language(String),
    #[error("tree-sitter returned no tree")]
    NoTree,
}

/// Where a comment may go on the line whose bytes are `line`: the comments that stand on it
/// (byte spans), and whether its end is inside a string (a triple-quoted one goes on),
/// where a `#` would be text.
pub fn line_end(
    source: &[u8],
    line: Range<usize>,
) -> Result<(Vec<Range<usize>>, bool), ParseError> {
    let tree = parse_tree(source)?;
    let mut comments = Vec::new();
    walk::preorder(tree.root_node(), |node| {
        if node.end_byte() < line.start || node.start_byte() > line.end {
            return walk::Step::Skip;
        }
        if node.kind() == "comment" {
            comments.push(node.byte_range());
        }
        walk::Step::Descend
    });
    let mut in_string = false;
    let mut node = tree
        .root_node()
        .descendant_for_byte_range(line.end, line.end);
    while let Some(current) = node {
        if current.kind() == "string"
            && current.start_byte() < line.end
            && line.end < current.end_byte()
        {
            in_string = true;
        }
        node = current.parent();
    }
    Ok((comments, in_string))
}

/// Parse `source` (any bytes: non-UTF-8, BOM, CRLF all allowed) and extract its names.
pub fn parse(source: &[u8]) -> Result<Migration, ParseError> {
    let tree = parse_tree(source)?;
    let root = tree.root_node();
    let (mut names, comments) = extract::names(root, source);
    let header = read_header(source, Some(&tree))?;
    // Another framework's migration (its class is not Django's and it does not import
    // Django's migrations) has no Django operations to read, whatever its calls are named.
    let not_django = header.foreign.is_some() || header.unknown_base.is_some();
    let mut operations = ops::operations(root, source);
    if not_django && !header::imports_django_migrations(root, source) {
        names.clear();
        operations = Operations::default();
    }
    Ok(Migration {
        names,
        syntax_error: syntax_error(root, source),
        comments,
        header,
        operations,
    })
}

/// The syntax error and the state operations of `source`, not its names: for files that
/// cannot hold a name worth reporting but may change the schema (`--all`).
pub fn parse_operations(source: &[u8]) -> Result<Migration, ParseError> {
    let tree = parse_tree(source)?;
    let root = tree.root_node();
    let header = read_header(source, Some(&tree))?;
    let not_django = header.foreign.is_some() || header.unknown_base.is_some();
    let operations = if not_django && !header::imports_django_migrations(root, source) {
        Operations::default()
    } else {
        ops::operations(root, source)
    };
    Ok(Migration {
        syntax_error: syntax_error(root, source),
        header,
        operations,
        ..Migration::default()
    })
}

/// Only the syntax error of `source`: for files that cannot hold a name worth reporting,
/// where walking the whole tree would be wasted.
pub fn parse_syntax(source: &[u8]) -> Result<Migration, ParseError> {
    let tree = parse_tree(source)?;
    Ok(Migration {
        syntax_error: syntax_error(tree.root_node(), source),
        header: read_header(source, Some(&tree))?,
        ..Migration::default()
    })
}

/// Only the header of `source`, parsing no more than the part before `operations` when that
/// is where the header is (it nearly always is: operations are the bulk of a migration), and
/// scanning rather than parsing where the part is what `makemigrations` writes.
pub fn parse_header(source: &[u8]) -> Result<Header, ParseError> {
    read_header(source, None)
}

/// The header, read the same way in every mode so that every mode judges the same graph:
/// from the part of the file before `operations` where that part stands on its own (an error
/// in the operations, which the parser's recovery may let swallow the class, does not make
/// the header unreadable), else from the whole file (`full`, when it is parsed already).
fn read_header(source: &[u8], full: Option<&Tree>) -> Result<Header, ParseError> {
    // The part and the scanner split lines at line feeds only.
    let cut = if has_lone_cr(source) {
        None
    } else {
        header::cut(source)
    };
    if let Some(cut) = cut {
        // The scanner reads the class alone, when what comes before it cannot matter.
        if scan::simple_prefix(source.get(..cut.start).unwrap_or_default())
            && let Some(found) = scan::header(source.get(cut.clone()).unwrap_or_default())
        {
            return Ok(header::shift(found, cut.start));
        }
        let part = source.get(..cut.end).unwrap_or(source);
        let tree = parse_tree(part)?;
        // A part that does not parse cleanly was cut in the wrong place (inside a string,
        // say), and one without the class cut off the wrong class's operations: read the
        // whole file instead.
        let found = header::header(tree.root_node(), part);
        if !tree.root_node().has_error() && found.class_span.is_some() {
            return Ok(found);
        }
    }
    match full {
        Some(tree) => Ok(header::header(tree.root_node(), source)),
        None => Ok(header::header(parse_tree(source)?.root_node(), source)),
    }
}

/// The first place Python would refuse: a syntax error, or a module-level statement that
/// starts indented.
fn syntax_error(root: tree_sitter::Node, source: &[u8]) -> Option<std::ops::Range<usize>> {
    let error = walk::first_syntax_error(root);
    let indent = walk::unexpected_indent(root, source);
    match (error, indent) {
        (Some(a), Some(b)) => Some(if b.start < a.start { b } else { a }),
        (a, b) => a.or(b),
    }
}

/// The syntax tree of `source` as one S-expression with field names, for looking at how
/// tree-sitter-python reads a file while debugging.
pub fn dump_tree(source: &[u8]) -> Result<String, ParseError> {
    let tree = parse_tree(source)?;
    Ok(walk::sexp(tree.root_node()))
}

/// Byte offsets in the tree are offsets into `source` as given: tree-sitter reads invalid
/// UTF-8 as replacement characters without shifting positions, and the grammar treats a
/// byte order mark as whitespace.
///
/// A lone carriage return ends a line for Python (universal newlines) but not for the
/// grammar, which would read an `AddField` after `# note\r` as part of the comment: such a
/// source is parsed with each lone CR read as a line feed, which keeps every byte offset.
fn parse_tree(source: &[u8]) -> Result<Tree, ParseError> {
    let mut parser = Parser::new();
    parser
        .set_language(&tree_sitter_python::LANGUAGE.into())
        .map_err(|error| ParseError::Language(error.to_string()))?;
    let tree = if has_lone_cr(source) {
        let mut normalized = source.to_vec();
        for at in 0..normalized.len() {
            if normalized[at] == b'\r' && normalized.get(at + 1) != Some(&b'\n') {
                normalized[at] = b'\n';
            }
        }
        parser.parse(&normalized, None)
    } else {
        parser.parse(source, None)
    };
    tree.ok_or(ParseError::NoTree)
}

/// Whether `source` has a carriage return that is not followed by a line feed.
fn has_lone_cr(source: &[u8]) -> bool {
    source
        .iter()
        .enumerate()
        .any(|(at, &b)| b == b'\r' && source.get(at + 1) != Some(&b'\n'))
}
