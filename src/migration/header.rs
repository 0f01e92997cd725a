//! The `Migration` class's place in the migration graph: its `dependencies`, `replaces` and
//! `run_before` assignments. Only the class body's top-level statements are read, so this is
//! cheap on any tree; [`parse_header`](super::parse_header) can also parse just the part of a
//! file before `operations`, which is where Django and every formatter put these.

use std::ops::Range;

use tree_sitter::Node;

use super::strings::{string_literal, unwrap_parens};
use super::walk::significant_children;

/// A reference to a migration: `("app_label", "0002_name")`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reference {
    pub app: String,
    pub name: String,
    /// Bytes of the tuple.
    pub span: Range<usize>,
}

/// One of the class's list assignments.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Assignment {
    /// Bytes of the assigned name (`dependencies` in `dependencies = [...]`).
    pub span: Range<usize>,
    /// The literal `(app, name)` entries; others (`swappable_dependency(...)`, names bound
    /// elsewhere) depend on settings or code and are left out.
    pub entries: Vec<Reference>,
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
}

/// Read the header from a tree of the file (or of the part before `operations`).
pub(super) fn header(root: Node, source: &[u8]) -> Header {
    let mut header = Header {
        complete: true,
        ..Header::default()
    };
    let Some(class) = migration_class(root, source) else {
        // No class to read: unreadable if the file does not parse (the class may be inside
        // the error), else simply not a migration (a helper module).
        header.complete = !root.has_error();
        return header;
    };
    header.class_span = class.child_by_field_name("name").map(|n| n.byte_range());
    let Some(body) = class.child_by_field_name("body") else {
        return header;
    };
    for statement in significant_children(body) {
        if statement.is_error() {
            header.complete = false;
            continue;
        }
        let Some(assignment) = significant_children(statement)
            .into_iter()
            .find(|node| node.kind() == "assignment")
        else {
            continue;
        };
        let (Some(left), Some(right)) = (
            assignment.child_by_field_name("left"),
            assignment.child_by_field_name("right"),
        ) else {
            continue;
        };
        let slot = match source.get(left.byte_range()) {
            Some(b"dependencies") => &mut header.dependencies,
            Some(b"replaces") => &mut header.replaces,
            Some(b"run_before") => &mut header.run_before,
            _ => continue,
        };
        if right.has_error() {
            header.complete = false;
        }
        *slot = Some(Assignment {
            span: left.byte_range(),
            entries: references(right, source),
        });
    }
    header
}

/// The module-level class named `Migration`, as Django's loader requires (the last one, as
/// Python binds the name last).
fn migration_class<'t>(root: Node<'t>, source: &[u8]) -> Option<Node<'t>> {
    significant_children(root)
        .into_iter()
        .rev()
        .find_map(|node| {
            let class = match node.kind() {
                "class_definition" => node,
                "decorated_definition" => node.child_by_field_name("definition")?,
                _ => return None,
            };
            let name = class.child_by_field_name("name")?;
            (source.get(name.byte_range()) == Some(b"Migration")).then_some(class)
        })
}

fn references(value: Node, source: &[u8]) -> Vec<Reference> {
    let value = unwrap_parens(value);
    if !matches!(value.kind(), "list" | "tuple") {
        return Vec::new();
    }
    significant_children(value)
        .into_iter()
        .filter_map(|entry| {
            let pair = unwrap_parens(entry);
            if !matches!(pair.kind(), "tuple" | "list") {
                return None;
            }
            match significant_children(pair).as_slice() {
                [app, name] => Some(Reference {
                    app: string_literal(*app, source)?.value,
                    name: string_literal(*name, source)?.value,
                    span: entry.byte_range(),
                }),
                _ => None,
            }
        })
        .collect()
}

/// The part of the file worth parsing for the header: from the line that starts the
/// `Migration` class (imports before it do not matter) to the line that assigns `operations`
/// in the class body, when nothing after that assigns the header's names. `None`: parse the
/// whole file.
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
        } else if indented && end.is_none() && assigns(code, b"operations") {
            end = Some(offset);
        } else if end.is_some()
            && [&b"dependencies"[..], b"replaces", b"run_before"]
                .iter()
                .any(|name| assigns(code, name))
        {
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
