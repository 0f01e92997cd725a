//! The `Migration` class's place in the migration graph: its `dependencies`, `replaces` and
//! `run_before`. Values are read the way Python would build them, as far as that can be done
//! without running code: literal lists and tuples, module-level lists built before the class
//! by straight-line assignments, `append`, `extend` and `+=` (inside `if`, `try`, `with` and
//! loops: the union of every branch), `*name` splices and `+` concatenation. What cannot be
//! read exactly is kept as an [`Unknown`], so the graph knows not to judge on a guess.
//!
//! [`parse_header`](super::parse_header) can also parse just the part of a file before
//! `operations`, which is where Django and every formatter put these.

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;

use tree_sitter::Node;

use super::strings::{string_literal, unwrap_parens};
use super::walk::{Step, preorder, significant_children};

/// A reference to a migration: `("app_label", "0002_name")`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reference {
    pub app: String,
    pub name: String,
    /// Bytes of the tuple.
    pub span: Range<usize>,
}

/// Part of a value that could not be read exactly: a computed entry or a whole computed value
/// (a call, a comprehension, a name bound elsewhere).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unknown {
    /// The app, when the entry is a pair whose first item is a plain string.
    pub app: Option<String>,
    /// Bytes of the expression.
    pub span: Range<usize>,
}

/// One of the class's list assignments.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Assignment {
    /// Bytes of the assigned name (`dependencies` in `dependencies = [...]`).
    pub span: Range<usize>,
    /// The `(app, name)` entries, read exactly. `swappable_dependency(...)` depends on
    /// settings and is left out: it always names an app outside the repository's graph.
    pub entries: Vec<Reference>,
    /// What the value holds besides `entries` that could not be read.
    pub unknown: Vec<Unknown>,
}

/// What the graph checks need from one migration.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Header {
    /// Bytes of the name of the `Migration` class, where a finding about the whole migration
    /// points when it has no `dependencies`.
    pub class_span: Option<Range<usize>>,
    pub dependencies: Option<Assignment>,
    pub replaces: Option<Assignment>,
    pub run_before: Option<Assignment>,
    /// False when part of these assignments could not be read (a syntax error in them): the
    /// graph of the app is then not judged.
    pub complete: bool,
    /// Set when the class is not a Django migration: it has no base class, or a dependency
    /// is a bare string rather than an `(app, name)` pair (another framework's migrations).
    /// Bytes of what gave it away.
    pub foreign: Option<Range<usize>>,
    /// Set when the class derives from something other than `migrations.Migration` (a
    /// project's subclass of it, or another framework's `BaseMigration`, South's
    /// `SchemaMigration`): bytes of the base classes.
    pub unknown_base: Option<Range<usize>>,
}

impl Header {
    /// Every part of the three assignments that could not be read exactly.
    pub fn unknown(&self) -> impl Iterator<Item = &Unknown> {
        [&self.dependencies, &self.replaces, &self.run_before]
            .into_iter()
            .flatten()
            .flat_map(|assignment| assignment.unknown.iter())
    }
}

/// A list as far as it was read.
#[derive(Debug, Clone, Default)]
struct Value {
    entries: Vec<Reference>,
    unknown: Vec<Unknown>,
    /// A bare string entry (`"0001_initial"`): no Django dependency looks like that.
    bare: Option<Range<usize>>,
}

impl Value {
    fn unknown(span: Range<usize>) -> Value {
        Value {
            unknown: vec![Unknown { app: None, span }],
            ..Value::default()
        }
    }

    fn extend(&mut self, other: Value) {
        for entry in other.entries {
            if !self.entries.contains(&entry) {
                self.entries.push(entry);
            }
        }
        self.unknown.extend(other.unknown);
        self.bare = self.bare.take().or(other.bare);
    }
}

/// Names bound to lists while a block runs, and which of them the block itself assigned.
#[derive(Debug, Clone, Default)]
struct Scope {
    values: BTreeMap<Vec<u8>, Value>,
    assigned: BTreeMap<Vec<u8>, Range<usize>>,
}

impl Scope {
    fn get(&self, name: &[u8], span: Range<usize>) -> Value {
        self.values
            .get(name)
            .cloned()
            .unwrap_or_else(|| Value::unknown(span))
    }

    fn set(&mut self, name: &[u8], value: Value, at: Range<usize>) {
        self.values.insert(name.to_vec(), value);
        self.assigned.insert(name.to_vec(), at);
    }

    /// What either of two ways through a block may leave: the union of both.
    fn union(mut self, other: Scope) -> Scope {
        for (name, value) in other.values {
            match self.values.get_mut(&name) {
                Some(mine) => mine.extend(value),
                None => {
                    self.values.insert(name, value);
                }
            }
        }
        for (name, at) in other.assigned {
            self.assigned.entry(name).or_insert(at);
        }
        self
    }
}

/// Read the header from a tree of the file (or of the part before `operations`).
pub(super) fn header(root: Node, source: &[u8]) -> Header {
    let mut header = Header {
        complete: true,
        ..Header::default()
    };
    let Some((class, at)) = migration_class(root, source) else {
        // No class to read: unreadable if the file does not parse (the class may be inside
        // the error), else simply not a migration (a helper module).
        header.complete = !root.has_error();
        return header;
    };
    header.class_span = class.child_by_field_name("name").map(|n| n.byte_range());
    match class.child_by_field_name("superclasses") {
        None => header.foreign = header.class_span.clone(),
        Some(bases) => header.unknown_base = unknown_base(bases, source),
    }
    // The class body runs once the module above it has run: its names are what those
    // statements built.
    let mut module = Scope::default();
    let before: Vec<Node> = significant_children(root).into_iter().take(at).collect();
    run_block(&before, source, &mut module, 0);
    let Some(body) = class.child_by_field_name("body") else {
        return header;
    };
    let mut scope = Scope {
        values: module.values,
        assigned: BTreeMap::new(),
    };
    let statements = significant_children(body);
    run_block(&statements, source, &mut scope, 0);
    for (name, slot) in [
        (&b"dependencies"[..], &mut header.dependencies),
        (b"replaces", &mut header.replaces),
        (b"run_before", &mut header.run_before),
    ] {
        let Some(at) = scope.assigned.get(name) else {
            continue;
        };
        let value = scope.values.remove(name).unwrap_or_default();
        if value.bare.is_some() && header.foreign.is_none() {
            header.foreign = value.bare.clone();
        }
        *slot = Some(Assignment {
            span: at.clone(),
            entries: value.entries,
            unknown: value.unknown,
        });
    }
    // A syntax error where the header's names are (in one of its assignments, or in what
    // the parser could not make a statement of): part of it is unread. One elsewhere (in
    // `operations`) leaves the header as it was read; the error itself is reported.
    for statement in &statements {
        if statement.has_error() && assigns_header(*statement, source) {
            header.complete = false;
        }
    }
    header
}

/// Whether a statement with an error in it may be one of the header's assignments.
fn assigns_header(statement: Node, source: &[u8]) -> bool {
    let mut found = false;
    preorder(statement, |node| {
        if node.kind() == "identifier"
            && matches!(
                source.get(node.byte_range()),
                Some(b"dependencies" | b"replaces" | b"run_before")
            )
        {
            found = true;
        }
        if found { Step::Skip } else { Step::Descend }
    });
    found
}

/// The module-level class named `Migration`, as Django's loader requires (the last one, as
/// Python binds the name last), and its position among the module's statements.
fn migration_class<'t>(root: Node<'t>, source: &[u8]) -> Option<(Node<'t>, usize)> {
    significant_children(root)
        .into_iter()
        .enumerate()
        .rev()
        .find_map(|(at, node)| {
            let class = match node.kind() {
                "class_definition" => node,
                "decorated_definition" => node.child_by_field_name("definition")?,
                _ => return None,
            };
            let name = class.child_by_field_name("name")?;
            (source.get(name.byte_range()) == Some(b"Migration")).then_some((class, at))
        })
}

/// Whether a base class names Django's migration class: `migrations.Migration` (or any
/// dotted path ending in `migrations.Migration`), or `Migration` itself (as imported from
/// `django.db.migrations`).
pub(super) fn is_django_base(text: &[u8]) -> bool {
    text == b"Migration"
        || text
            .strip_suffix(b".Migration")
            .is_some_and(|module| module == b"migrations" || module.ends_with(b".migrations"))
}

/// The span of the base classes, when none of them is Django's migration class by name.
fn unknown_base(bases: Node, source: &[u8]) -> Option<Range<usize>> {
    let django = significant_children(bases).into_iter().any(|base| {
        matches!(base.kind(), "identifier" | "attribute")
            && source.get(base.byte_range()).is_some_and(is_django_base)
    });
    (!django).then(|| bases.byte_range())
}

/// Run the statements of a block as far as they build lists.
/// How deep blocks and expressions are followed. Deeper nesting (which no migration has, and
/// which would take the call stack with it) is not read: what it names becomes unknown.
const MAX_DEPTH: usize = 32;

fn run_block(statements: &[Node], source: &[u8], scope: &mut Scope, depth: usize) {
    for &statement in statements {
        run_statement(statement, source, scope, depth);
    }
}

fn run_statement(statement: Node, source: &[u8], scope: &mut Scope, depth: usize) {
    if depth > MAX_DEPTH {
        forget_mentioned(statement, source, scope);
        return;
    }
    match statement.kind() {
        "expression_statement" if !statement.has_error() => {
            match significant_children(statement).as_slice() {
                [expression] if run_expression(*expression, source, scope) => {}
                _ => forget_mentioned(statement, source, scope),
            }
        }
        "if_statement" | "try_statement" | "with_statement" | "for_statement"
        | "while_statement" => {
            // Any branch may run, or none: the union of every way through. Names a loop
            // header or a `with ... as` binds are not lists we know.
            let mut result = scope.clone();
            for block in blocks(statement) {
                let mut branch = scope.clone();
                run_block(&significant_children(block), source, &mut branch, depth + 1);
                result = result.union(branch);
            }
            *scope = result;
            forget_bound(statement, source, scope);
        }
        // A definition binds its name; its body does not run now.
        "function_definition" | "class_definition" | "decorated_definition" => {
            let definition = match statement.kind() {
                "decorated_definition" => statement.child_by_field_name("definition"),
                _ => Some(statement),
            };
            if let Some(name) = definition.and_then(|d| d.child_by_field_name("name"))
                && let Some(text) = source.get(name.byte_range())
            {
                scope.values.remove(text);
            }
        }
        _ => forget_mentioned(statement, source, scope),
    }
}

/// An expression statement that builds a list: `name = value`, `name += value`,
/// `name.append(entry)`, `name.extend(value)`. False for anything else.
fn run_expression(expression: Node, source: &[u8], scope: &mut Scope) -> bool {
    let text = |node: Node| source.get(node.byte_range()).unwrap_or_default();
    match expression.kind() {
        "assignment" => {
            let (Some(left), Some(right)) = (
                expression.child_by_field_name("left"),
                expression.child_by_field_name("right"),
            ) else {
                return false;
            };
            if left.kind() != "identifier" || right.kind() == "assignment" {
                return false;
            }
            let value = value(right, source, scope, 0);
            scope.set(text(left), value, left.byte_range());
            true
        }
        "augmented_assignment" => {
            let (Some(left), Some(operator), Some(right)) = (
                expression.child_by_field_name("left"),
                expression.child_by_field_name("operator"),
                expression.child_by_field_name("right"),
            ) else {
                return false;
            };
            if left.kind() != "identifier" || text(operator) != b"+=" {
                return false;
            }
            let mut current = scope.get(text(left), left.byte_range());
            current.extend(value(right, source, scope, 0));
            scope.set(text(left), current, left.byte_range());
            true
        }
        "call" => {
            let (Some(function), Some(arguments)) = (
                expression.child_by_field_name("function"),
                expression.child_by_field_name("arguments"),
            ) else {
                return false;
            };
            let (Some(object), Some(method)) = (
                function.child_by_field_name("object"),
                function.child_by_field_name("attribute"),
            ) else {
                return false;
            };
            if function.kind() != "attribute" || object.kind() != "identifier" {
                return false;
            }
            let name = text(object);
            if !scope.values.contains_key(name) {
                return false;
            }
            let [argument] = significant_children(arguments)[..] else {
                return false;
            };
            let added = match text(method) {
                b"append" => entry(argument, source, scope, 0),
                b"extend" => value(argument, source, scope, 0),
                _ => return false,
            };
            if let Some(current) = scope.values.get_mut(name) {
                current.extend(added);
            }
            true
        }
        _ => false,
    }
}

/// The list (or tuple) an expression evaluates to, as far as it can be read.
fn value(node: Node, source: &[u8], scope: &Scope, depth: usize) -> Value {
    let node = unwrap_parens(node);
    if depth > MAX_DEPTH {
        return Value::unknown(node.byte_range());
    }
    match node.kind() {
        "list" | "tuple" => {
            let mut out = Value::default();
            for child in significant_children(node) {
                out.extend(entry(child, source, scope, depth + 1));
            }
            out
        }
        "identifier" => scope.get(
            source.get(node.byte_range()).unwrap_or_default(),
            node.byte_range(),
        ),
        "binary_operator"
            if node
                .child_by_field_name("operator")
                .and_then(|op| source.get(op.byte_range()))
                == Some(b"+") =>
        {
            let (Some(left), Some(right)) = (
                node.child_by_field_name("left"),
                node.child_by_field_name("right"),
            ) else {
                return Value::unknown(node.byte_range());
            };
            let mut out = value(left, source, scope, depth + 1);
            out.extend(value(right, source, scope, depth + 1));
            out
        }
        _ => Value::unknown(node.byte_range()),
    }
}

/// One entry of a list: a reference, a splice of another list, or something else.
fn entry(node: Node, source: &[u8], scope: &Scope, depth: usize) -> Value {
    let span = node.byte_range();
    let inner = unwrap_parens(node);
    match inner.kind() {
        "list_splat" => match significant_children(inner).as_slice() {
            [spliced] => value(*spliced, source, scope, depth + 1),
            _ => Value::unknown(span),
        },
        "tuple" | "list" => {
            let items = significant_children(inner);
            let [app, name] = items.as_slice() else {
                return Value::unknown(span);
            };
            let app = string_literal(*app, source).map(|literal| literal.value);
            match (app, string_literal(*name, source)) {
                (Some(app), Some(name)) => Value {
                    entries: vec![Reference {
                        app,
                        name: name.value,
                        span,
                    }],
                    ..Value::default()
                },
                (app, _) => Value {
                    unknown: vec![Unknown { app, span }],
                    ..Value::default()
                },
            }
        }
        "call" if is_swappable(inner, source) => Value::default(),
        "string" => Value {
            bare: Some(span.clone()),
            unknown: vec![Unknown { app: None, span }],
            ..Value::default()
        },
        _ => Value::unknown(span),
    }
}

/// `swappable_dependency(...)` or `migrations.swappable_dependency(...)`.
fn is_swappable(call: Node, source: &[u8]) -> bool {
    let Some(function) = call.child_by_field_name("function") else {
        return false;
    };
    let name = match function.kind() {
        "attribute" => function.child_by_field_name("attribute"),
        "identifier" => Some(function),
        _ => None,
    };
    name.and_then(|name| source.get(name.byte_range())) == Some(b"swappable_dependency")
}

/// The blocks of a compound statement, its clauses' included.
fn blocks(statement: Node) -> Vec<Node> {
    let mut out = Vec::new();
    let mut pending = vec![statement];
    while let Some(node) = pending.pop() {
        for child in significant_children(node) {
            if child.kind() == "block" {
                out.push(child);
            } else if is_clause(child) {
                pending.push(child);
            }
        }
    }
    out
}

fn is_clause(node: Node) -> bool {
    matches!(
        node.kind(),
        "elif_clause" | "else_clause" | "except_clause" | "except_group_clause" | "finally_clause"
    )
}

/// A statement this reading does not follow: every list it names may have changed, and a
/// header name it mentions is no longer known.
fn forget_mentioned(statement: Node, source: &[u8], scope: &mut Scope) {
    let mut names = BTreeSet::new();
    preorder(statement, |node| {
        if node.kind() == "identifier"
            && let Some(text) = source.get(node.byte_range())
        {
            names.insert(text.to_vec());
        }
        Step::Descend
    });
    for name in names {
        let header_name = matches!(
            name.as_slice(),
            b"dependencies" | b"replaces" | b"run_before"
        );
        if scope.values.contains_key(&name) || header_name {
            scope.set(
                &name,
                Value::unknown(statement.byte_range()),
                statement.byte_range(),
            );
        }
    }
}

/// Names the header of a compound statement binds: a loop's target, `with ... as x`,
/// `except E as x`.
fn forget_bound(statement: Node, source: &[u8], scope: &mut Scope) {
    if statement.kind() == "for_statement" {
        if let Some(target) = statement.child_by_field_name("left") {
            forget_mentioned(target, source, scope);
        }
        return;
    }
    let mut targets = Vec::new();
    preorder(statement, |node| {
        if node.kind() == "block" {
            return Step::Skip;
        }
        if node.kind() == "as_pattern_target" {
            targets.push(node);
            return Step::Skip;
        }
        Step::Descend
    });
    for target in targets {
        forget_mentioned(target, source, scope);
    }
}

/// The part of the file worth parsing for the header: from the line that starts the
/// `Migration` class (imports before it do not matter) to the line that assigns `operations`
/// in the class body, when nothing after that mentions the header's names or starts another
/// `Migration` class (Python binds the last one). `None`: parse the whole file.
pub(super) fn cut(source: &[u8]) -> Option<Range<usize>> {
    let mut offset = 0;
    let mut start = 0;
    let mut end = None;
    for line in source.split_inclusive(|&b| b == b'\n') {
        let code = line.trim_ascii_start();
        let indented = code.len() < line.len();
        let class = line
            .strip_prefix(b"class Migration")
            .is_some_and(|rest| rest.starts_with(b"(") || rest.starts_with(b":"));
        if end.is_none() && !indented && class {
            start = offset;
        } else if end.is_some() && !indented && class {
            return None;
        } else if indented && end.is_none() && assigns(code, b"operations") {
            end = Some(offset);
        } else if end.is_some()
            && [&b"dependencies"[..], b"replaces", b"run_before"]
                .iter()
                .any(|name| code.windows(name.len()).any(|w| w == *name))
        {
            // A header name after `operations` (assigned, or inside something the parser
            // may not make sense of): only the whole file tells.
            return None;
        }
        offset += line.len();
    }
    end.map(|end| start..end)
}

/// Move every span of `header` by `by` bytes (it was read from a slice starting there).
pub(super) fn shift(mut header: Header, by: usize) -> Header {
    let move_range = |range: &mut Range<usize>| *range = range.start + by..range.end + by;
    if let Some(span) = header.class_span.as_mut() {
        move_range(span);
    }
    for span in [&mut header.foreign, &mut header.unknown_base]
        .into_iter()
        .flatten()
    {
        move_range(span);
    }
    for assignment in [
        &mut header.dependencies,
        &mut header.replaces,
        &mut header.run_before,
    ]
    .into_iter()
    .flatten()
    {
        move_range(&mut assignment.span);
        for entry in &mut assignment.entries {
            move_range(&mut entry.span);
        }
        for unknown in &mut assignment.unknown {
            move_range(&mut unknown.span);
        }
    }
    header
}

/// Whether a line of code starts by assigning `name`.
fn assigns(code: &[u8], name: &[u8]) -> bool {
    code.strip_prefix(name).is_some_and(|rest| {
        let rest = rest.trim_ascii_start();
        (rest.starts_with(b"=") && !rest.starts_with(b"==")) || rest.starts_with(b":")
    })
}

/// Whether the module imports Django's migrations (`from django.db import migrations`,
/// `from django.db.migrations... import ...`, `import django.db.migrations`): a file whose
/// class is not Django's, but that uses Django's operations, still has them checked.
pub(super) fn imports_django_migrations(root: Node, source: &[u8]) -> bool {
    let mut found = false;
    preorder(root, |node| {
        if found || matches!(node.kind(), "function_definition" | "class_definition") {
            return Step::Skip;
        }
        if matches!(node.kind(), "import_statement" | "import_from_statement") {
            let text = source.get(node.byte_range()).unwrap_or_default();
            found = text.windows(9).any(|w| w == b"django.db");
            return Step::Skip;
        }
        Step::Descend
    });
    found
}
#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cut_before_operations() {
        let source = b"class Migration(migrations.Migration):\n    dependencies = []\n    operations = [\n        x,\n    ]\n";
        let at = cut(source).expect("a cut");
        assert_eq!(at.start, 0);
        assert!(source[at.end..].starts_with(b"    operations = ["));
        let with_imports =
            b"import x\n\nclass Migration(migrations.Migration):\n    operations = []\n";
        assert_eq!(cut(with_imports), Some(10..49));
    }

    #[test]
    fn no_cut_when_a_header_name_follows() {
        let source = b"class Migration(migrations.Migration):\n    operations = []\n    dependencies = [(\"a\", \"0001\")]\n";
        assert_eq!(cut(source), None);
        assert_eq!(cut(b"x = 1\n"), None);
        assert_eq!(
            cut(b"operations = []\n"),
            None,
            "module level, not in a class"
        );
    }

    #[test]
    fn assignment_forms() {
        assert!(assigns(b"operations = [", b"operations"));
        assert!(assigns(b"operations: list = [", b"operations"));
        assert!(!assigns(b"operations == x", b"operations"));
        assert!(!assigns(b"operations_extra = []", b"operations"));
    }
}
