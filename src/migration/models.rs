//! Read an app's model classes from its `models.py` (or a module of a `models` package), with
//! the same parser as the migrations: each module-level class, its bases as written, and the
//! fields it declares (`name = models.CharField(...)`), with `db_column="..."` when it is a
//! plain string. Which class a finding's model is, and where a field comes from, is the
//! check's business (`check::declaration`).

use std::ops::Range;

use tree_sitter::Node;

use super::strings::string_literal;
use super::walk::{Step, assignment, callee_name, preorder, significant_children};
use super::{ParseError, parse_tree};

/// One module-level class.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModelClass {
    pub name: String,
    /// Bytes of the class name.
    pub span: Range<usize>,
    /// The bases as written (`models.Model`, `TimeStampedModel`); keyword arguments such as
    /// `metaclass=` are left out.
    pub bases: Vec<String>,
    pub fields: Vec<FieldDeclaration>,
    /// Every name the class body assigns (fields, managers, whatever the value): a name
    /// assigned here is declared here, whatever builds it.
    pub assigned: Vec<(String, Range<usize>)>,
    /// `class Meta: abstract = True`.
    pub is_abstract: bool,
    /// The methods the class body defines (`def name`, decorated or not).
    pub methods: Vec<String>,
}

/// `name = SomeField(...)` in a class body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldDeclaration {
    pub name: String,
    /// Bytes of the name before `=`.
    pub span: Range<usize>,
    /// `db_column="..."`: the column and the bytes between its quotes.
    pub db_column: Option<(String, Range<usize>)>,
    /// Bytes of the whole assignment.
    pub statement: Range<usize>,
    /// The last name of the call: `ForeignKey` of `models.ForeignKey(...)`.
    pub kind: String,
}

/// A models module: its classes and its comments.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ModelModule {
    pub classes: Vec<ModelClass>,
    /// Byte spans of every comment, in source order (for suppressions).
    pub comments: Vec<Range<usize>>,
    /// The parser had to recover from a syntax error: what was read may be incomplete.
    pub has_error: bool,
    /// `from MODULE import NAME [as LOCAL]` at the top level.
    pub imports: Vec<Import>,
}

/// One name a `from ... import ...` binds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Import {
    /// The module as written, leading dots of a relative import included.
    pub module: String,
    /// The name imported from it.
    pub name: String,
    /// The name it is bound to here.
    pub local: String,
}

/// The classes and comments of a models module.
pub fn model_module(source: &[u8]) -> Result<ModelModule, ParseError> {
    let tree = parse_tree(source)?;
    let mut comments = Vec::new();
    preorder(tree.root_node(), |node| {
        if node.kind() == "comment" {
            comments.push(node.byte_range());
        }
        Step::Descend
    });
    let mut classes = Vec::new();
    let mut imports = Vec::new();
    for statement in significant_children(tree.root_node()) {
        if statement.kind() == "import_from_statement" {
            imports.extend(from_imports(statement, source));
            continue;
        }
        let class = match statement.kind() {
            "class_definition" => statement,
            "decorated_definition" => match statement.child_by_field_name("definition") {
                Some(definition) if definition.kind() == "class_definition" => definition,
                _ => continue,
            },
            _ => continue,
        };
        let Some(name) = class.child_by_field_name("name") else {
            continue;
        };
        let bases = class
            .child_by_field_name("superclasses")
            .map(|list| {
                significant_children(list)
                    .into_iter()
                    .filter(|base| matches!(base.kind(), "identifier" | "attribute"))
                    .map(|base| text(base, source))
                    .collect()
            })
            .unwrap_or_default();
        let body = class
            .child_by_field_name("body")
            .map(significant_children)
            .unwrap_or_default();
        let fields = body
            .iter()
            .filter_map(|statement| field(*statement, source))
            .collect();
        let assigned = body
            .iter()
            .filter_map(|statement| assignment(*statement))
            .filter(|(left, _)| left.kind() == "identifier")
            .map(|(left, _)| (text(left, source), left.byte_range()))
            .collect();
        let is_abstract = body
            .iter()
            .any(|statement| is_abstract_meta(*statement, source));
        let methods = body
            .iter()
            .filter_map(|statement| match statement.kind() {
                "function_definition" => Some(*statement),
                "decorated_definition" => statement.child_by_field_name("definition"),
                _ => None,
            })
            .filter(|definition| definition.kind() == "function_definition")
            .filter_map(|definition| definition.child_by_field_name("name"))
            .map(|name| text(name, source))
            .collect();
        classes.push(ModelClass {
            name: text(name, source),
            span: name.byte_range(),
            bases,
            fields,
            assigned,
            is_abstract,
            methods,
        });
    }
    Ok(ModelModule {
        classes,
        comments,
        has_error: tree.root_node().has_error(),
        imports,
    })
}

/// The names a `from MODULE import ...` statement binds.
fn from_imports(statement: Node, source: &[u8]) -> Vec<Import> {
    let Some(module) = statement.child_by_field_name("module_name") else {
        return Vec::new();
    };
    let module = text(module, source);
    let mut cursor = statement.walk();
    statement
        .children_by_field_name("name", &mut cursor)
        .filter_map(|name| {
            let (imported, local) = match name.kind() {
                "aliased_import" => (
                    text(name.child_by_field_name("name")?, source),
                    text(name.child_by_field_name("alias")?, source),
                ),
                _ => (text(name, source), text(name, source)),
            };
            Some(Import {
                module: module.clone(),
                name: imported,
                local,
            })
        })
        .collect()
}

/// `class Meta:` whose body sets `abstract = True`.
fn is_abstract_meta(statement: Node, source: &[u8]) -> bool {
    if statement.kind() != "class_definition" {
        return false;
    }
    let named_meta = statement
        .child_by_field_name("name")
        .is_some_and(|name| source.get(name.byte_range()) == Some(b"Meta"));
    named_meta
        && statement
            .child_by_field_name("body")
            .map(significant_children)
            .unwrap_or_default()
            .into_iter()
            .filter_map(assignment)
            .any(|(left, right)| {
                source.get(left.byte_range()) == Some(b"abstract")
                    && right.is_some_and(|r| source.get(r.byte_range()) == Some(b"True"))
            })
}

fn text(node: Node, source: &[u8]) -> String {
    String::from_utf8_lossy(source.get(node.byte_range()).unwrap_or_default()).into_owned()
}

/// A field declaration: an assignment (annotated or not) of a call to something whose name
/// ends in `Field` or `Key` (`models.CharField`, `ForeignKey`, `TreeForeignKey`) to a name.
fn field(statement: Node, source: &[u8]) -> Option<FieldDeclaration> {
    let (left, right) = assignment(statement)?;
    let right = right?;
    if left.kind() != "identifier" || right.kind() != "call" {
        return None;
    }
    let callee = String::from_utf8_lossy(callee_name(right, source)?);
    if !(callee.ends_with("Field") || callee.ends_with("Key")) {
        return None;
    }
    let db_column = right
        .child_by_field_name("arguments")
        .into_iter()
        .flat_map(significant_children)
        .filter(|argument| argument.kind() == "keyword_argument")
        .find(|argument| {
            argument
                .child_by_field_name("name")
                .is_some_and(|name| source.get(name.byte_range()) == Some(b"db_column"))
        })
        .and_then(|argument| argument.child_by_field_name("value"))
        .and_then(|value| string_literal(value, source))
        .map(|literal| (literal.value, literal.span));
    Some(FieldDeclaration {
        name: text(left, source),
        span: left.byte_range(),
        db_column,
        statement: statement.byte_range(),
        kind: callee.into_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const MODELS: &str = r#"from django.db import models
from model_utils.models import TimeStampedModel


class Base(models.Model):
    create_time: models.DateTimeField = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True


@register
class Post(Base, TimeStampedModel, metaclass=Meta):
    title = models.CharField(max_length=200, db_column="tittle")
    author = ForeignKey("auth.User", on_delete=models.CASCADE)
    objects = PostManager()
    slug = "fixed"

    def __str__(self):
        return self.title
"#;

    #[test]
    fn classes_bases_and_fields() {
        let classes = model_module(MODELS.as_bytes()).expect("parses").classes;
        let names: Vec<&str> = classes.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["Base", "Post"]);
        assert_eq!(classes[0].bases, ["models.Model"]);
        assert_eq!(classes[1].bases, ["Base", "TimeStampedModel"]);
        let fields: Vec<&str> = classes[1].fields.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(fields, ["title", "author"]);
        let title = &classes[1].fields[0];
        assert_eq!(&MODELS[title.span.clone()], "title");
        let (column, span) = title.db_column.clone().expect("db_column");
        assert_eq!(column, "tittle");
        assert_eq!(&MODELS[span], "tittle");
        let create = &classes[0].fields[0];
        assert_eq!(create.name, "create_time", "an annotated assignment");
        assert!(classes[0].is_abstract && !classes[1].is_abstract);
        let assigned: Vec<&str> = classes[1]
            .assigned
            .iter()
            .map(|(n, _)| n.as_str())
            .collect();
        assert_eq!(assigned, ["title", "author", "objects", "slug"]);
    }

    #[test]
    fn imports_and_broken_files() {
        let source = "from django.db.models import Model as DjangoModel, CharField\nfrom django.db import models as m\n\nclass A(DjangoModel):\n    pass\n";
        let module = model_module(source.as_bytes()).expect("parses");
        let bound: Vec<(&str, &str, &str)> = module
            .imports
            .iter()
            .map(|i| (i.module.as_str(), i.name.as_str(), i.local.as_str()))
            .collect();
        assert_eq!(
            bound,
            [
                ("django.db.models", "Model", "DjangoModel"),
                ("django.db.models", "CharField", "CharField"),
                ("django.db", "models", "m"),
            ]
        );
        assert!(!module.has_error);
        let broken =
            model_module(b"class A(models.Model):\n    x = models.CharField(\n").expect("parses");
        assert!(broken.has_error);
    }
}
