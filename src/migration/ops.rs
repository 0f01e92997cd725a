//! The operations of a migration as they change Django's model state: which models and fields
//! exist after it, and under which names and columns. Read in source order, the order Django
//! applies them in. What cannot be read exactly becomes [`StateOp::Unknown`], so whoever
//! builds the state knows where it stops being exact.

use std::ops::Range;

use tree_sitter::Node;

use super::extract::{Argument, argument, is_deferred_code};
use super::strings::{string_literal, unwrap_parens};
use super::walk::{Step, callee_name, preorder, significant_children};

/// A plain string literal's value and the bytes of that value (between the quotes).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Located {
    pub value: String,
    pub span: Range<usize>,
}

/// What a field definition says of its database column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Column {
    /// No `db_column`: the column follows the field's name.
    Default,
    /// `db_column="..."`.
    Named(Located),
    /// A `db_column` (or `**kwargs`, or a field that is not a call) that cannot be read.
    Unknown,
}

/// One field as an operation defines it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldDef {
    pub name: Located,
    pub column: Column,
}

/// One operation's effect on the state. A model or name that is not a plain string literal
/// is `None`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StateOp {
    CreateModel {
        model: Option<String>,
        fields: Vec<FieldDef>,
        /// False when an entry of `fields` (or `fields` itself) could not be read.
        complete: bool,
    },
    DeleteModel {
        model: Option<String>,
    },
    RenameModel {
        old: Option<String>,
        new: Option<String>,
    },
    AddField {
        model: Option<String>,
        field: Option<FieldDef>,
    },
    AlterField {
        model: Option<String>,
        field: Option<FieldDef>,
    },
    RemoveField {
        model: Option<String>,
        name: Option<String>,
    },
    RenameField {
        model: Option<String>,
        old: Option<String>,
        new: Option<Located>,
    },
    /// An operation that may change fields in a way not read here: a project's own
    /// operation class, or an `operations` value that is not a literal list. `model` is the
    /// model it names, when it names one; `None` may touch any model of the app.
    Unknown {
        model: Option<String>,
        span: Range<usize>,
    },
}

/// The operations of a file that change the model state.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Operations {
    pub ops: Vec<StateOp>,
    /// Bytes of `SeparateDatabaseAndState`'s `database_operations`: what they name is the
    /// database's, not the state's.
    pub database_only: Vec<Range<usize>>,
}

/// Operations that change no field of the state (indexes, constraints, options, data).
const NO_FIELD_CHANGE: &[&str] = &[
    "RunPython",
    "RunSQL",
    "AlterModelOptions",
    "AlterModelTable",
    "AlterModelTableComment",
    "AlterModelManagers",
    "AlterUniqueTogether",
    "AlterIndexTogether",
    "AlterOrderWithRespectTo",
    "AddIndex",
    "RemoveIndex",
    "RenameIndex",
    "AddConstraint",
    "RemoveConstraint",
    "AlterConstraint",
    "AddIndexConcurrently",
    "RemoveIndexConcurrently",
    "AddConstraintNotValid",
    "ValidateConstraint",
    "CreateExtension",
    "BloomExtension",
    "BtreeGinExtension",
    "BtreeGistExtension",
    "CITextExtension",
    "CryptoExtension",
    "HStoreExtension",
    "TrigramExtension",
    "UnaccentExtension",
    "CreateCollation",
    "RemoveCollation",
];

/// Read every state operation of the tree in source order.
pub(super) fn operations(root: Node, source: &[u8]) -> Operations {
    let mut found = Operations::default();
    preorder(root, |node| {
        if is_deferred_code(node) {
            // A method of a class (`Migration.__init__`) that touches `operations` may
            // change them when Django builds the migration: nothing after can be known.
            let method = node.kind() == "function_definition"
                && node
                    .parent()
                    .and_then(|block| block.parent())
                    .is_some_and(|class| class.kind() == "class_definition");
            let touches = source
                .get(node.byte_range())
                .is_some_and(|text| text.windows(10).any(|w| w == b"operations"));
            if method && touches {
                found.ops.push(StateOp::Unknown {
                    model: None,
                    span: node.byte_range(),
                });
            }
            return Step::Skip;
        }
        if found
            .database_only
            .iter()
            .any(|range| range.contains(&node.start_byte()))
        {
            return Step::Skip;
        }
        if node.kind() == "assignment" {
            operations_value(node, source, &mut found);
            return Step::Descend;
        }
        let Some(name) = callee_name(node, source) else {
            return Step::Descend;
        };
        let call = Call::new(node, source);
        match name {
            b"SeparateDatabaseAndState" => {
                if let Some(database) = call.argument(0, "database_operations") {
                    found.database_only.push(database.node.byte_range());
                }
                if let Some(state) = call.argument(1, "state_operations") {
                    list_items(state.value, source, &mut found);
                }
            }
            b"RunSQL" => {
                if let Some(state) = call.argument(2, "state_operations") {
                    list_items(state.value, source, &mut found);
                }
            }
            _ => {
                if let Some(op) = call.state_op(name) {
                    found.ops.push(op);
                }
            }
        }
        Step::Descend
    });
    found
}

/// `operations = [...]`: every item must be an operation this module knows, else it is an
/// unknown change; a value that is not a list at all may hold anything.
fn operations_value(assignment: Node, source: &[u8], found: &mut Operations) {
    let Some(left) = assignment.child_by_field_name("left") else {
        return;
    };
    if left.kind() != "identifier" || source.get(left.byte_range()) != Some(b"operations") {
        return;
    }
    let Some(right) = assignment.child_by_field_name("right") else {
        return;
    };
    list_items(right, source, found);
}

/// Record the items of an operations list that are not known operations as unknown changes.
fn list_items(value: Node, source: &[u8], found: &mut Operations) {
    let value = unwrap_parens(value);
    if !matches!(value.kind(), "list" | "tuple") {
        found.ops.push(StateOp::Unknown {
            model: None,
            span: value.byte_range(),
        });
        return;
    }
    for item in significant_children(value) {
        let item = unwrap_parens(item);
        let known = callee_name(item, source).is_some_and(|name| {
            NO_FIELD_CHANGE.contains(&std::str::from_utf8(name).unwrap_or_default())
                || matches!(
                    name,
                    b"SeparateDatabaseAndState"
                        | b"CreateModel"
                        | b"DeleteModel"
                        | b"RenameModel"
                        | b"AddField"
                        | b"AlterField"
                        | b"RemoveField"
                        | b"RenameField"
                )
        });
        if !known {
            let model = (item.kind() == "call")
                .then(|| Call::new(item, source))
                .and_then(|call| {
                    let model = call.argument(usize::MAX, "model_name")?;
                    string_literal(model.value, source)
                })
                .map(|literal| literal.value);
            found.ops.push(StateOp::Unknown {
                model,
                span: item.byte_range(),
            });
        }
    }
}

struct Call<'t, 's> {
    arguments: Vec<Node<'t>>,
    source: &'s [u8],
}

impl<'t, 's> Call<'t, 's> {
    fn new(call: Node<'t>, source: &'s [u8]) -> Self {
        let arguments = call
            .child_by_field_name("arguments")
            .filter(|list| list.kind() == "argument_list")
            .map(significant_children)
            .unwrap_or_default();
        Call { arguments, source }
    }

    fn argument(&self, position: usize, keyword: &str) -> Option<Argument<'t>> {
        argument(&self.arguments, position, keyword, self.source)
    }

    fn text(&self, position: usize, keyword: &str) -> Option<String> {
        self.located(position, keyword).map(|l| l.value)
    }

    fn located(&self, position: usize, keyword: &str) -> Option<Located> {
        let argument = self.argument(position, keyword)?;
        string_literal(argument.value, self.source).map(|literal| Located {
            value: literal.value,
            span: literal.span,
        })
    }

    fn state_op(&self, name: &[u8]) -> Option<StateOp> {
        Some(match name {
            b"CreateModel" => self.create_model(),
            b"DeleteModel" => StateOp::DeleteModel {
                model: self.text(0, "name"),
            },
            b"RenameModel" => StateOp::RenameModel {
                old: self.text(0, "old_name"),
                new: self.text(1, "new_name"),
            },
            b"AddField" => StateOp::AddField {
                model: self.text(0, "model_name"),
                field: self.field_def(),
            },
            b"AlterField" => StateOp::AlterField {
                model: self.text(0, "model_name"),
                field: self.field_def(),
            },
            b"RemoveField" => StateOp::RemoveField {
                model: self.text(0, "model_name"),
                name: self.text(1, "name"),
            },
            b"RenameField" => StateOp::RenameField {
                model: self.text(0, "model_name"),
                old: self.text(1, "old_name"),
                new: self.located(2, "new_name"),
            },
            _ => return None,
        })
    }

    fn create_model(&self) -> StateOp {
        let model = self.text(0, "name");
        let Some(fields) = self
            .argument(1, "fields")
            .filter(|fields| matches!(fields.value.kind(), "list" | "tuple"))
        else {
            return StateOp::CreateModel {
                model,
                fields: Vec::new(),
                complete: false,
            };
        };
        let mut defs = Vec::new();
        let mut complete = true;
        for entry in significant_children(fields.value) {
            let pair = unwrap_parens(entry);
            let items = if matches!(pair.kind(), "tuple" | "list") {
                significant_children(pair)
            } else {
                Vec::new()
            };
            let name = items
                .first()
                .and_then(|&first| string_literal(first, self.source));
            match (name, items.get(1)) {
                (Some(name), Some(&field)) if items.len() == 2 => defs.push(FieldDef {
                    name: Located {
                        value: name.value,
                        span: name.span,
                    },
                    column: column(field, self.source),
                }),
                _ => complete = false,
            }
        }
        StateOp::CreateModel {
            model,
            fields: defs,
            complete,
        }
    }

    /// `AddField` and `AlterField`: `name` and `field`.
    fn field_def(&self) -> Option<FieldDef> {
        let name = self.located(1, "name")?;
        let column = match self.argument(2, "field") {
            Some(field) => column(field.value, self.source),
            None => Column::Unknown,
        };
        Some(FieldDef { name, column })
    }
}

/// The column a field constructor call sets: its own `db_column` keyword (not that of a call
/// nested in its arguments, such as an `ArrayField`'s `base_field`).
fn column(field: Node, source: &[u8]) -> Column {
    let field = unwrap_parens(field);
    // A field class is instantiated (`models.CharField(...)`); a function that returns one
    // (`make_field()`) may set any column.
    let is_class = callee_name(field, source)
        .and_then(|name| name.first())
        .is_some_and(u8::is_ascii_uppercase);
    if !is_class {
        return Column::Unknown;
    }
    let Some(list) = field
        .child_by_field_name("arguments")
        .filter(|list| list.kind() == "argument_list")
    else {
        return Column::Unknown;
    };
    for argument in significant_children(list) {
        match argument.kind() {
            "dictionary_splat" | "ERROR" => return Column::Unknown,
            "keyword_argument" => {
                let is_db_column = argument
                    .child_by_field_name("name")
                    .is_some_and(|name| source.get(name.byte_range()) == Some(b"db_column"));
                if !is_db_column {
                    continue;
                }
                let value = argument.child_by_field_name("value");
                return match value.map(unwrap_parens) {
                    Some(value) if value.kind() == "none" => Column::Default,
                    Some(value) => match string_literal(value, source) {
                        Some(literal) => Column::Named(Located {
                            value: literal.value,
                            span: literal.span,
                        }),
                        None => Column::Unknown,
                    },
                    None => Column::Unknown,
                };
            }
            _ => {}
        }
    }
    Column::Default
}
