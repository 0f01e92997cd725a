//! Find the Django schema operations in a parsed migration and read the field names out of
//! their arguments, following Django's own signatures for positional and keyword use.

use std::ops::Range;

use tree_sitter::Node;

use super::strings::{Literal, string_literal, unwrap_parens};
use super::walk::{Step, callee_name, preorder, significant_children};
use super::{FieldName, NameRole, OperationKind};

/// Code in these nodes runs later, if ever (a `RunPython` function, a field default); what it
/// mentions is data or queries, not operations of this migration.
pub(super) fn is_deferred_code(node: Node) -> bool {
    matches!(
        node.kind(),
        "function_definition" | "lambda" | "lambda_within_for_in_clause"
    )
}

/// Every name of every operation in the tree, in source order, and the byte spans of the
/// comments outside deferred code (where suppression comments may stand).
pub(super) fn names(root: Node, source: &[u8]) -> (Vec<FieldName>, Vec<Range<usize>>) {
    let mut found = Vec::new();
    let mut comments = Vec::new();
    preorder(root, |node| {
        if is_deferred_code(node) {
            return Step::Skip;
        }
        if node.kind() == "comment" {
            comments.push(node.byte_range());
            return Step::Skip;
        }
        if let Some(kind) = operation_kind(node, source) {
            Operation::new(node, kind, source).extract(&mut found);
        }
        Step::Descend
    });
    // Each literal belongs to one operation by construction; sorting by span also brings any
    // duplicate side by side, should that ever be violated.
    found.sort_by_key(|name| (name.span.start, name.span.end));
    found.dedup_by(|a, b| a.span == b.span);
    (found, comments)
}

/// The operation a `call` node performs, judged by the last name of its callee, so that
/// `AddField`, `migrations.AddField` and `django.db.migrations.AddField` all count.
fn operation_kind(node: Node, source: &[u8]) -> Option<OperationKind> {
    match callee_name(node, source)? {
        b"CreateModel" => Some(OperationKind::CreateModel),
        b"AddField" => Some(OperationKind::AddField),
        b"AlterField" => Some(OperationKind::AlterField),
        b"RenameField" => Some(OperationKind::RenameField),
        _ => None,
    }
}

/// One argument of a call.
#[derive(Clone, Copy)]
pub(super) struct Argument<'t> {
    /// The argument as written: the expression, or the whole `name=value`.
    pub node: Node<'t>,
    /// The value with redundant parentheses removed.
    pub value: Node<'t>,
}

/// The argument bound to Django's parameter `keyword`, which sits at `position` (0-based)
/// when passed positionally.
pub(super) fn argument<'t>(
    arguments: &[Node<'t>],
    position: usize,
    keyword: &str,
    source: &[u8],
) -> Option<Argument<'t>> {
    // Becomes `None` after `*args` or a part the parser could not read: the position of the
    // arguments after it is unknown, and no name is better than the wrong one.
    let mut index = Some(0);
    for &node in arguments {
        match node.kind() {
            "keyword_argument" => {
                let name = node.child_by_field_name("name");
                let value = node.child_by_field_name("value");
                if let (Some(name), Some(value)) = (name, value)
                    && source.get(name.byte_range()) == Some(keyword.as_bytes())
                {
                    let value = unwrap_parens(value);
                    return Some(Argument { node, value });
                }
            }
            "dictionary_splat" => {}
            "list_splat" | "ERROR" => index = None,
            _ => {
                let value = unwrap_parens(node);
                if value.kind() == "list_splat" {
                    index = None;
                } else if let Some(current) = index {
                    if current == position {
                        return Some(Argument { node, value });
                    }
                    index = Some(current + 1);
                }
            }
        }
    }
    None
}

/// One operation call and what is known about it before its names are read.
struct Operation<'t, 's> {
    kind: OperationKind,
    call: Node<'t>,
    arguments: Vec<Node<'t>>,
    model: Option<String>,
    source: &'s [u8],
}

impl<'t, 's> Operation<'t, 's> {
    fn new(call: Node<'t>, kind: OperationKind, source: &'s [u8]) -> Self {
        let arguments = call
            .child_by_field_name("arguments")
            .filter(|list| list.kind() == "argument_list")
            .map(significant_children)
            .unwrap_or_default();
        let model_keyword = match kind {
            OperationKind::CreateModel => "name",
            _ => "model_name",
        };
        let model = argument(&arguments, 0, model_keyword, source)
            .and_then(|model| string_literal(model.value, source))
            .map(|literal| literal.value);
        Operation {
            kind,
            call,
            arguments,
            model,
            source,
        }
    }

    fn argument(&self, position: usize, keyword: &str) -> Option<Argument<'t>> {
        argument(&self.arguments, position, keyword, self.source)
    }

    fn extract(&self, found: &mut Vec<FieldName>) {
        match self.kind {
            OperationKind::CreateModel => self.create_model(found),
            OperationKind::AddField => self.field_operation(NameRole::Introduced, found),
            OperationKind::AlterField => self.field_operation(NameRole::Altered, found),
            OperationKind::RenameField => {
                if let Some(new_name) = self.argument(2, "new_name") {
                    self.push_literal(new_name, NameRole::Introduced, found);
                }
            }
        }
    }

    fn create_model(&self, found: &mut Vec<FieldName>) {
        let Some(fields) = self.argument(1, "fields") else {
            return;
        };
        if !matches!(fields.value.kind(), "list" | "tuple") {
            return;
        }
        for entry in significant_children(fields.value) {
            let pair = unwrap_parens(entry);
            if !matches!(pair.kind(), "tuple" | "list") {
                continue;
            }
            let literal = significant_children(pair)
                .first()
                .and_then(|&first| string_literal(first, self.source));
            if let Some(literal) = &literal {
                found.push(self.name(literal, NameRole::Introduced, None, entry));
            }
            let field = literal.map(|literal| literal.value);
            self.db_columns(entry, entry, field.as_deref(), found);
        }
    }

    /// `AddField` and `AlterField`, which share their signature.
    fn field_operation(&self, role: NameRole, found: &mut Vec<FieldName>) {
        let name = self.argument(1, "name");
        let literal = name.and_then(|name| string_literal(name.value, self.source));
        if let (Some(name), Some(literal)) = (name, &literal) {
            found.push(self.name(literal, role, None, name.node));
        }
        if let Some(field) = self.argument(2, "field") {
            let field_name = literal.map(|literal| literal.value);
            self.db_columns(field.value, field.node, field_name.as_deref(), found);
        }
    }

    fn push_literal(&self, argument: Argument, role: NameRole, found: &mut Vec<FieldName>) {
        if let Some(literal) = string_literal(argument.value, self.source) {
            found.push(self.name(&literal, role, None, argument.node));
        }
    }

    /// Every `db_column="..."` of any call inside `within`, the field definition of one entry.
    /// An operation nested in there is left to the main walk, which reports its names once.
    fn db_columns(
        &self,
        within: Node<'t>,
        entry: Node<'t>,
        field: Option<&str>,
        found: &mut Vec<FieldName>,
    ) {
        preorder(within, |node| {
            if is_deferred_code(node) || operation_kind(node, self.source).is_some() {
                return Step::Skip;
            }
            if node.kind() == "call" {
                self.db_column_of_call(node, entry, field, found);
            }
            Step::Descend
        });
    }

    fn db_column_of_call(
        &self,
        call: Node<'t>,
        entry: Node<'t>,
        field: Option<&str>,
        found: &mut Vec<FieldName>,
    ) {
        let Some(list) = call.child_by_field_name("arguments") else {
            return;
        };
        if list.kind() != "argument_list" {
            return;
        }
        for argument in significant_children(list) {
            if argument.kind() != "keyword_argument" {
                continue;
            }
            let is_db_column = argument
                .child_by_field_name("name")
                .is_some_and(|name| self.source.get(name.byte_range()) == Some(b"db_column"));
            if !is_db_column {
                continue;
            }
            let literal = argument
                .child_by_field_name("value")
                .and_then(|value| string_literal(value, self.source));
            if let Some(literal) = literal {
                found.push(self.name(&literal, NameRole::DbColumn, field, entry));
            }
        }
    }

    fn name(
        &self,
        literal: &Literal,
        role: NameRole,
        field: Option<&str>,
        entry: Node,
    ) -> FieldName {
        FieldName {
            name: literal.value.clone(),
            span: literal.span.clone(),
            role,
            operation: self.kind,
            model: self.model.clone(),
            field: field.map(str::to_owned),
            operation_span: self.call.byte_range(),
            entry_span: entry.byte_range(),
        }
    }
}
