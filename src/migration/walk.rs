//! Iterative traversal of tree-sitter trees: every walk in this module keeps its state on the
//! heap, because a file of deeply nested brackets builds a tree deep enough to overflow the
//! call stack of any recursive walk.

use std::fmt::Write as _;
use std::ops::Range;

use tree_sitter::Node;

/// What a preorder visitor wants done after seeing a node.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Step {
    /// Visit the node's children next.
    Descend,
    /// Do not look inside this node; continue with its next sibling.
    Skip,
}

/// Visit `root` and its visible descendants in document order (preorder).
pub(super) fn preorder<'t>(root: Node<'t>, mut visit: impl FnMut(Node<'t>) -> Step) {
    let mut cursor = root.walk();
    loop {
        if visit(cursor.node()) == Step::Descend && cursor.goto_first_child() {
            continue;
        }
        // The cursor was created on `root`, so it can neither leave it through a sibling nor
        // climb above it: running out of parents means the walk is complete.
        while !cursor.goto_next_sibling() {
            if !cursor.goto_parent() {
                return;
            }
        }
    }
}

/// The named children of `node` other than comments and line continuations, which may sit
/// between any two tokens. Error nodes are kept even when the parser made them extras:
/// whoever reads the children must know that something unreadable stands there.
pub(super) fn significant_children<'t>(node: Node<'t>) -> Vec<Node<'t>> {
    let mut cursor = node.walk();
    node.named_children(&mut cursor)
        .filter(|child| child.is_error() || !child.is_extra())
        .collect()
}

/// The last name of a call's callee: `AddField` of `migrations.AddField(...)`.
pub(super) fn callee_name<'s>(call: Node, source: &'s [u8]) -> Option<&'s [u8]> {
    if call.kind() != "call" {
        return None;
    }
    let callee = call.child_by_field_name("function")?;
    let name = match callee.kind() {
        "identifier" => callee,
        "attribute" => callee.child_by_field_name("attribute")?,
        _ => return None,
    };
    source.get(name.byte_range())
}

/// `left = right` when `statement` is an assignment (annotated or not): its target and, when
/// it has one, its value.
pub(super) fn assignment<'t>(statement: Node<'t>) -> Option<(Node<'t>, Option<Node<'t>>)> {
    if statement.kind() != "expression_statement" {
        return None;
    }
    let assignment = significant_children(statement)
        .into_iter()
        .find(|node| node.kind() == "assignment")?;
    let left = assignment.child_by_field_name("left")?;
    Some((left, assignment.child_by_field_name("right")))
}

/// The byte span of the first `ERROR` or missing node in document order.
///
/// Only nodes whose subtree contains an error are entered, so a clean region costs nothing.
/// A missing token that the grammar hides (an indentation token, say) is invisible to a
/// cursor; the error is then located at the smallest visible node known to contain it.
pub(super) fn first_syntax_error(root: Node) -> Option<Range<usize>> {
    if !root.has_error() {
        return None;
    }
    let mut current = root;
    loop {
        if current.is_error() || current.is_missing() {
            return Some(current.byte_range());
        }
        let mut cursor = current.walk();
        let next = current
            .children(&mut cursor)
            .find(|child| child.has_error() || child.is_missing());
        match next {
            Some(child) => current = child,
            None => return Some(current.byte_range()),
        }
    }
}

/// The first module-level statement that starts indented, which Python refuses
/// (`IndentationError: unexpected indent`) but the grammar accepts: a file whose every line
/// was indented parses cleanly otherwise.
pub(super) fn unexpected_indent(root: Node, source: &[u8]) -> Option<Range<usize>> {
    let mut cursor = root.walk();
    let found = root.named_children(&mut cursor).find(|statement| {
        if statement.is_extra() {
            return false;
        }
        let start = statement.start_byte();
        let line_start = source
            .get(..start)
            .and_then(|before| before.iter().rposition(|&b| b == b'\n' || b == b'\r'))
            .map_or(0, |at| at + 1);
        let leading = source.get(line_start..start).unwrap_or_default();
        // Only blanks before it on its line (a form feed resets the indentation), and not
        // the continuation of a line ending in a backslash.
        let blank = leading.iter().all(|b| matches!(b, b' ' | b'\t' | b'\x0c'));
        let indented = leading.iter().any(|b| matches!(b, b' ' | b'\t'));
        let continued = source
            .get(..line_start)
            .is_some_and(|before| before.trim_ascii_end().ends_with(b"\\"));
        blank && indented && !continued
    });
    found.map(|statement| statement.start_byte()..statement.start_byte())
}

/// An S-expression of the whole tree with field names and `MISSING` markers, on one line.
pub(super) fn sexp(root: Node) -> String {
    let mut out = String::new();
    // One flag per open node: whether a parenthesis was written for it and must be closed.
    let mut opened: Vec<bool> = Vec::new();
    let mut cursor = root.walk();
    loop {
        let node = cursor.node();
        let shown = node.is_named() || node.is_missing();
        if shown {
            if !out.is_empty() {
                out.push(' ');
            }
            if let Some(field) = cursor.field_name() {
                let _ = write!(out, "{field}: ");
            }
            out.push('(');
            if node.is_missing() {
                out.push_str("MISSING ");
            }
            if node.is_named() {
                out.push_str(node.kind());
            } else {
                let _ = write!(out, "{:?}", node.kind());
            }
        }
        opened.push(shown);
        if cursor.goto_first_child() {
            continue;
        }
        loop {
            if opened.pop() == Some(true) {
                out.push(')');
            }
            if cursor.goto_next_sibling() {
                break;
            }
            if !cursor.goto_parent() {
                return out;
            }
        }
    }
}
