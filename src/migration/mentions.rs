//! Where a migration or a models module names one field of one model besides the place that
//! introduces it: what a rename of the field must rename with it. In a migration, the later
//! operations on the model (`AlterField`, `RemoveField`, `RenameField.old_name`, together
//! options, indexes, constraints, ordering) and any `to_field` pointing at it; in a models
//! module, the model's `Meta` and the `to_field`s of the module. What may name the field in
//! a way not read here (code that runs later, raw SQL, an index whose name Django derives
//! from its fields) is reported as unsure, so that nothing is renamed by halves.

use std::ops::Range;

use tree_sitter::Node;

use super::extract::{argument, is_deferred_code};
use super::strings::{string_literal, unwrap_parens};
use super::walk::{Step, assignment, callee_name, preorder, significant_children};
use super::{ParseError, parse_tree};

/// The field: of model `model` (as Django names it, any case) in the app labelled `label`.
#[derive(Debug, Clone, Copy)]
pub struct Field<'a> {
    pub label: &'a str,
    pub model: &'a str,
    pub name: &'a str,
}

/// The places a file names a field.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Mentions {
    /// Bytes of the name at each place (`create_time` alone, also in `"-create_time"` and in
    /// `create_time__gte=`), in source order.
    pub spans: Vec<Range<usize>>,
    /// Places that may name it in a way not read here, each with what the place is.
    pub unsure: Vec<(Range<usize>, &'static str)>,
    /// Some of `spans` are in the model's `Meta`.
    pub meta: bool,
    /// Some of `spans` are in the `Meta`'s indexes or constraints.
    pub constrained: bool,
}

/// Keyword arguments whose strings are never field names: the names of indexes and
/// constraints, messages, column and table names.
const NOT_FIELDS: &[&str] = &[
    "name",
    "db_column",
    "db_table",
    "db_tablespace",
    "opclasses",
    "violation_error_message",
    "violation_error_code",
    "verbose_name",
    "help_text",
    "related_name",
    "related_query_name",
];

/// `Meta` options (and the keys of a migration's `options`) whose strings name fields.
const FIELD_OPTIONS: &[&str] = &[
    "ordering",
    "unique_together",
    "index_together",
    "get_latest_by",
    "order_with_respect_to",
    "indexes",
    "constraints",
];

/// Where the migration `source` names `field`. With `own_app` false (a migration of
/// another app), only `to_field`s that point at it are looked for.
pub fn in_migration(source: &[u8], field: Field, own_app: bool) -> Result<Mentions, ParseError> {
    let tree = parse_tree(source)?;
    let mut found = Mentions::default();
    preorder(tree.root_node(), |node| {
        // Code of any app's migration may reach the model (`apps.get_model("blog", ...)`).
        if is_deferred_code(node) {
            if names_word(text(node, source), field.name) {
                found
                    .unsure
                    .push((node.byte_range(), "code that runs later"));
            }
            return Step::Skip;
        }
        if node.kind() != "call" {
            return Step::Descend;
        }
        to_field(node, source, field, None, &mut found.spans);
        let Some(callee) = callee(node, source) else {
            return Step::Descend;
        };
        if callee == "RunSQL" {
            if names_word(text(node, source), field.name) {
                found.unsure.push((node.byte_range(), "raw SQL"));
            }
            return Step::Skip;
        }
        if !own_app {
            return Step::Descend;
        }
        let arguments = arguments(node);
        let arg = |position, keyword| argument(&arguments, position, keyword, source);
        let on_model = |keyword| {
            arg(0, keyword)
                .and_then(|model| string_literal(model.value, source))
                .is_some_and(|model| model.value.eq_ignore_ascii_case(field.model))
        };
        let exact = |position, keyword, spans: &mut Vec<Range<usize>>| {
            if let Some(literal) =
                arg(position, keyword).and_then(|a| string_literal(a.value, source))
                && literal.value == field.name
            {
                spans.push(literal.span);
            }
        };
        match callee {
            "AddField" | "AlterField" if on_model("model_name") => {
                exact(1, "name", &mut found.spans);
                if let Some(definition) = arg(2, "field") {
                    field_definition(definition.value, source, field.name, &mut found);
                }
            }
            "RemoveField" if on_model("model_name") => {
                exact(1, "name", &mut found.spans);
            }
            "RenameField" if on_model("model_name") => {
                exact(1, "old_name", &mut found.spans);
                exact(2, "new_name", &mut found.spans);
            }
            "CreateModel" if on_model("name") => {
                if let Some(fields) = arg(1, "fields") {
                    for entry in significant_children(fields.value) {
                        let pair = unwrap_parens(entry);
                        if !matches!(pair.kind(), "tuple" | "list") {
                            continue;
                        }
                        let parts = significant_children(pair);
                        if let Some(literal) = parts
                            .first()
                            .and_then(|&first| string_literal(first, source))
                            && literal.value == field.name
                        {
                            found.spans.push(literal.span);
                        }
                        if let Some(&definition) = parts.get(1) {
                            field_definition(definition, source, field.name, &mut found);
                        }
                    }
                }
                if let Some(options) = arg(2, "options") {
                    options_dict(options.value, source, field.name, &mut found);
                }
            }
            "AlterModelOptions" if on_model("name") => {
                if let Some(options) = arg(1, "options") {
                    options_dict(options.value, source, field.name, &mut found);
                }
            }
            "AlterUniqueTogether" if on_model("name") => {
                if let Some(value) = arg(1, "unique_together") {
                    strings(value.value, source, field.name, &mut found.spans);
                }
            }
            "AlterIndexTogether" if on_model("name") => {
                if let Some(value) = arg(1, "index_together") {
                    strings(value.value, source, field.name, &mut found.spans);
                }
            }
            "AlterOrderWithRespectTo" if on_model("name") => {
                exact(1, "order_with_respect_to", &mut found.spans);
            }
            "AddIndex" | "AddIndexConcurrently" if on_model("model_name") => {
                if let Some(index) = arg(1, "index") {
                    strings(index.value, source, field.name, &mut found.spans);
                }
            }
            "AddConstraint" | "AddConstraintNotValid" if on_model("model_name") => {
                if let Some(constraint) = arg(1, "constraint") {
                    strings(constraint.value, source, field.name, &mut found.spans);
                }
            }
            "AlterConstraint" if on_model("model_name") => {
                if let Some(constraint) = arg(2, "constraint") {
                    strings(constraint.value, source, field.name, &mut found.spans);
                }
            }
            "RenameIndex" if on_model("model_name") => {
                if let Some(fields) = arg(3, "old_fields") {
                    strings(fields.value, source, field.name, &mut found.spans);
                }
            }
            _ => {}
        }
        Step::Descend
    });
    // A lookup through a relation (`post__create_time` in another model's ordering or
    // constraint) may reach the field from any model: not renamed, so not to be left behind.
    preorder(tree.root_node(), |node| {
        if is_deferred_code(node) {
            return Step::Skip;
        }
        let lookup = match node.kind() {
            "string" => string_literal(node, source).map(|literal| literal.value),
            "keyword_argument" => node
                .child_by_field_name("name")
                .map(|keyword| text(keyword, source).to_string()),
            _ => None,
        };
        if lookup.is_some_and(|lookup| through_relation(&lookup, field.name)) {
            found
                .unsure
                .push((node.byte_range(), "a lookup through a relation"));
        }
        Step::Descend
    });
    found.spans.sort_by_key(|span| span.start);
    found.spans.dedup();
    Ok(found)
}

/// Whether `lookup` reaches a field called `name` through a relation: `post__name`,
/// `-post__name__year`.
fn through_relation(lookup: &str, name: &str) -> bool {
    let lookup = lookup.strip_prefix('-').unwrap_or(lookup);
    lookup.split("__").skip(1).any(|segment| segment == name)
}

/// Where the models module `source` names `field`, declared in its class `class`: the
/// class's `Meta`, and the `to_field`s of the module that point at the model.
pub fn in_models(source: &[u8], field: Field, class: &str) -> Result<Mentions, ParseError> {
    let tree = parse_tree(source)?;
    let mut found = Mentions::default();
    preorder(tree.root_node(), |node| {
        if node.kind() == "call" {
            to_field(node, source, field, Some(class), &mut found.spans);
        }
        if node.kind() == "class_definition"
            && node
                .child_by_field_name("name")
                .is_some_and(|name| text(name, source) == class)
            && let Some(body) = node.child_by_field_name("body")
        {
            for statement in significant_children(body) {
                let is_meta = statement.kind() == "class_definition"
                    && statement
                        .child_by_field_name("name")
                        .is_some_and(|name| text(name, source) == "Meta");
                if let (true, Some(meta)) = (is_meta, statement.child_by_field_name("body")) {
                    meta_options(meta, source, field.name, &mut found);
                } else if let Some((_, Some(value))) = assignment(statement) {
                    field_definition(value, source, field.name, &mut found);
                }
            }
        }
        Step::Descend
    });
    found.spans.sort_by_key(|span| span.start);
    found.spans.dedup();
    Ok(found)
}

/// The assignments of a `Meta` body that name fields.
fn meta_options(body: Node, source: &[u8], name: &str, found: &mut Mentions) {
    for statement in significant_children(body) {
        let Some((left, Some(value))) = assignment(statement) else {
            continue;
        };
        let option = text(left, source);
        if !FIELD_OPTIONS.contains(&option) {
            continue;
        }
        let before = found.spans.len();
        if option == "indexes" {
            indexes(value, source, name, found);
        } else {
            strings(value, source, name, &mut found.spans);
        }
        if found.spans.len() > before {
            found.meta = true;
            found.constrained |= matches!(option, "indexes" | "constraints");
        }
    }
}

/// A migration's `options={...}`: the values of the keys that name fields.
fn options_dict(dict: Node, source: &[u8], name: &str, found: &mut Mentions) {
    if dict.kind() != "dictionary" {
        return;
    }
    for pair in significant_children(dict) {
        let (Some(key), Some(value)) = (
            pair.child_by_field_name("key"),
            pair.child_by_field_name("value"),
        ) else {
            continue;
        };
        if string_literal(key, source)
            .is_some_and(|key| FIELD_OPTIONS.contains(&key.value.as_str()))
        {
            strings(value, source, name, &mut found.spans);
        }
    }
}

/// What a field's definition says of another field of its model: the expression of a
/// `GeneratedField`, the fields of a `CompositePrimaryKey`, `unique_for_date` and its kin.
fn field_definition(definition: Node, source: &[u8], name: &str, found: &mut Mentions) {
    let spans = &mut found.spans;
    let unsure = &mut found.unsure;
    preorder(definition, |node| {
        if is_deferred_code(node) {
            return Step::Skip;
        }
        match callee(node, source) {
            // SQL is not read: the column may be in it.
            Some("RawSQL") => {
                if names_word(text(node, source), name) {
                    unsure.push((node.byte_range(), "raw SQL"));
                }
                return Step::Skip;
            }
            Some("GeneratedField" | "CompositePrimaryKey" | "GenericForeignKey") => {
                strings(node, source, name, spans);
                // A RawSQL inside is still looked at.
                return Step::Descend;
            }
            _ => {}
        }
        if node.kind() == "keyword_argument"
            && node.child_by_field_name("name").is_some_and(|keyword| {
                matches!(
                    text(keyword, source),
                    "unique_for_date" | "unique_for_month" | "unique_for_year"
                )
            })
            && let Some(literal) = node
                .child_by_field_name("value")
                .and_then(|value| string_literal(value, source))
            && literal.value == name
        {
            spans.push(literal.span);
        }
        Step::Descend
    });
}

/// Where a models module other than the model's names `field`: the `to_field`s that point
/// at it (`"label.Model"`); one whose target is a class or an unqualified name (which may be
/// the model, imported) is unsure.
pub fn in_other_models(source: &[u8], field: Field) -> Result<Mentions, ParseError> {
    let tree = parse_tree(source)?;
    let mut found = Mentions::default();
    preorder(tree.root_node(), |node| {
        if node.kind() != "call" {
            return Step::Descend;
        }
        let arguments = arguments(node);
        let Some(literal) = argument(&arguments, usize::MAX, "to_field", source)
            .and_then(|a| string_literal(a.value, source))
            .filter(|literal| literal.value == field.name)
        else {
            return Step::Descend;
        };
        let to =
            argument(&arguments, 0, "to", source).and_then(|to| string_literal(to.value, source));
        let qualified = format!("{}.{}", field.label, field.model);
        match to {
            Some(to) if to.value.eq_ignore_ascii_case(&qualified) => found.spans.push(literal.span),
            Some(to) if to.value.contains('.') => {}
            _ => found
                .unsure
                .push((node.byte_range(), "a to_field that may point at the model")),
        }
        Step::Descend
    });
    Ok(found)
}

/// Every `related_name="..."` of a models module: the reverse accessors its fields give the
/// models they point at.
pub fn related_names(source: &[u8]) -> Vec<String> {
    let Ok(tree) = parse_tree(source) else {
        return Vec::new();
    };
    let mut names = Vec::new();
    preorder(tree.root_node(), |node| {
        if node.kind() == "keyword_argument"
            && node.child_by_field_name("name").is_some_and(|keyword| {
                matches!(text(keyword, source), "related_name" | "related_query_name")
            })
            && let Some(literal) = node
                .child_by_field_name("value")
                .and_then(|value| string_literal(value, source))
        {
            names.push(literal.value);
        }
        Step::Descend
    });
    names
}

/// `Meta.indexes`: an index without `name=` gets one Django derives from its fields, so a
/// rename would change it (and want a migration): such an index over the field is unsure.
fn indexes(list: Node, source: &[u8], name: &str, found: &mut Mentions) {
    let entries = match list.kind() {
        "list" | "tuple" => significant_children(list),
        _ => vec![list],
    };
    for entry in entries {
        let mut spans = Vec::new();
        strings(entry, source, name, &mut spans);
        if spans.is_empty() {
            continue;
        }
        let named = entry.kind() == "call"
            && argument(&arguments(entry), usize::MAX, "name", source).is_some();
        if named {
            found.spans.extend(spans);
        } else {
            found.unsure.push((
                entry.byte_range(),
                "an index whose name Django derives from its fields",
            ));
        }
    }
}

/// Every string in `within` that names the field (`"name"`, `"-name"`, `"name__lookup"`),
/// and every keyword of a `Q(...)` or `When(...)` that does (`name__gte=`), leaving out the strings of
/// keywords that never name fields.
fn strings(within: Node, source: &[u8], name: &str, spans: &mut Vec<Range<usize>>) {
    preorder(within, |node| {
        if is_deferred_code(node) {
            return Step::Skip;
        }
        if node.kind() == "keyword_argument" {
            let keyword = node.child_by_field_name("name").map(|k| text(k, source));
            if keyword.is_some_and(|keyword| NOT_FIELDS.contains(&keyword)) {
                return Step::Skip;
            }
            let in_q = matches!(
                node.parent()
                    .and_then(|list| list.parent())
                    .and_then(|call| callee(call, source)),
                Some("Q" | "When")
            );
            if in_q {
                if let Some(keyword) = node.child_by_field_name("name")
                    && let Some(at) = names_field(text(keyword, source), name)
                {
                    let start = keyword.start_byte() + at;
                    spans.push(start..start + name.len());
                }
                // A lookup's value is data, not a field (an `F("name")` in it is still read).
                let value = node.child_by_field_name("value");
                if value.is_some_and(|value| unwrap_parens(value).kind() == "string") {
                    return Step::Skip;
                }
            }
            return Step::Descend;
        }
        if let Some(literal) = string_literal(node, source) {
            if let Some(at) = names_field(&literal.value, name) {
                let start = literal.span.start + at;
                spans.push(start..start + name.len());
            }
            return Step::Skip;
        }
        Step::Descend
    });
}

/// `to_field="name"` of a call whose `to` is the field's model: `"label.Model"` anywhere;
/// in the model's own module (`class` given) also `"Model"` and the class itself.
fn to_field(
    call: Node,
    source: &[u8],
    field: Field,
    class: Option<&str>,
    spans: &mut Vec<Range<usize>>,
) {
    let arguments = arguments(call);
    let Some(literal) = argument(&arguments, usize::MAX, "to_field", source)
        .and_then(|a| string_literal(a.value, source))
    else {
        return;
    };
    if literal.value != field.name {
        return;
    }
    let Some(to) = argument(&arguments, 0, "to", source) else {
        return;
    };
    let points_here = match string_literal(to.value, source) {
        Some(to) => {
            let qualified = format!("{}.{}", field.label, field.model);
            to.value.eq_ignore_ascii_case(&qualified)
                || class.is_some_and(|class| to.value == class)
        }
        None => class.is_some_and(|class| {
            to.value.kind() == "identifier" && text(to.value, source) == class
        }),
    };
    if points_here {
        spans.push(literal.span);
    }
}

/// Where `value` names the field `name`: the offset of the name in it.
fn names_field(value: &str, name: &str) -> Option<usize> {
    let at = usize::from(value.starts_with('-'));
    let rest = value.get(at..)?.strip_prefix(name)?;
    (rest.is_empty() || rest.starts_with("__")).then_some(at)
}

/// Whether `line` holds `word` as a word of code (`__` of a Django lookup is a boundary).
pub fn names_word(line: &str, word: &str) -> bool {
    let is_word = |c: char| c == '_' || c.is_alphanumeric();
    line.match_indices(word).any(|(at, _)| {
        let (head, rest) = (&line[..at], &line[at + word.len()..]);
        let before = !head.chars().next_back().is_some_and(is_word) || head.ends_with("__");
        let after = !rest.chars().next().is_some_and(is_word) || rest.starts_with("__");
        before && after
    })
}

/// The last name of a call's callee, as text: `AddField` of `migrations.AddField`.
fn callee<'s>(call: Node, source: &'s [u8]) -> Option<&'s str> {
    std::str::from_utf8(callee_name(call, source)?).ok()
}

fn arguments(call: Node) -> Vec<Node> {
    call.child_by_field_name("arguments")
        .filter(|list| list.kind() == "argument_list")
        .map(significant_children)
        .unwrap_or_default()
}

fn text<'s>(node: Node, source: &'s [u8]) -> &'s str {
    source
        .get(node.byte_range())
        .and_then(|bytes| std::str::from_utf8(bytes).ok())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    const POST: Field = Field {
        label: "blog",
        model: "post",
        name: "create_time",
    };

    fn named(source: &str, mentions: &Mentions) -> Vec<String> {
        mentions
            .spans
            .iter()
            .map(|span| format!("{}@{}", &source[span.clone()], span.start))
            .collect()
    }

    fn count(source: &str, mentions: &Mentions) -> usize {
        let all = named(source, mentions);
        assert!(all.iter().all(|n| n.starts_with("create_time@")), "{all:?}");
        all.len()
    }

    #[test]
    fn later_operations_on_the_model() {
        let source = r#"
from django.db import migrations, models
from django.db.models import Q, F


class Migration(migrations.Migration):
    operations = [
        migrations.AlterField(model_name="post", name="create_time", field=models.DateTimeField(db_column="create_time", verbose_name="create_time")),
        migrations.AlterField("Post", "create_time", models.DateTimeField()),
        migrations.AlterField(model_name="comment", name="create_time", field=models.DateTimeField()),
        migrations.AlterUniqueTogether(name="post", unique_together={("title", "create_time")}),
        migrations.AlterIndexTogether(name="post", index_together={("create_time",)}),
        migrations.AddIndex(model_name="post", index=models.Index(fields=["-create_time"], name="create_time")),
        migrations.AddConstraint(model_name="post", constraint=models.CheckConstraint(condition=Q(create_time__gte=F("create_time"), title="create_time"), name="c")),
        migrations.AlterModelOptions(name="post", options={"ordering": ["create_time__year"], "verbose_name": "create_time"}),
        migrations.AlterOrderWithRespectTo(name="post", order_with_respect_to="create_time"),
        migrations.RenameIndex(model_name="post", new_name="i", old_fields=("create_time",)),
        migrations.RenameField(model_name="post", old_name="create_time", new_name="made"),
        migrations.RemoveField(model_name="post", name="create_time"),
        migrations.AddField(model_name="tag", name="post", field=models.ForeignKey(to="blog.post", to_field="create_time", on_delete=models.CASCADE)),
        migrations.AddField(model_name="tag", name="other", field=models.ForeignKey(to="news.post", to_field="create_time", on_delete=models.CASCADE)),
    ]
"#;
        let found = in_migration(source.as_bytes(), POST, true).expect("parse");
        // Two AlterFields, unique (1) and index (1) together, index, Q keyword and F, ordering,
        // order_with_respect_to, RenameIndex, RenameField, RemoveField, to_field of blog.post.
        assert_eq!(count(source, &found), 13, "{:?}", named(source, &found));
        assert!(found.unsure.is_empty());
        let other = in_migration(source.as_bytes(), POST, false).expect("parse");
        assert_eq!(count(source, &other), 1, "only the to_field");
    }

    #[test]
    fn create_model_fields_and_options() {
        let source = r#"
class Migration(migrations.Migration):
    operations = [
        migrations.CreateModel(
            name="Post",
            fields=[("id", models.AutoField()), ("create_time", models.DateTimeField())],
            options={"ordering": ("-create_time",), "indexes": [models.Index(fields=["create_time"], name="blog_post_create__idx")]},
        ),
        migrations.CreateModel(name="Note", fields=[("create_time", models.DateTimeField())]),
    ]
"#;
        let found = in_migration(source.as_bytes(), POST, true).expect("parse");
        assert_eq!(count(source, &found), 3, "{:?}", named(source, &found));
    }

    #[test]
    fn code_and_sql_are_unsure() {
        let source = r#"
def forwards(apps, schema_editor):
    for post in apps.get_model("blog", "Post").objects.all():
        post.create_time = None


class Migration(migrations.Migration):
    operations = [
        migrations.RunPython(forwards),
        migrations.RunSQL("UPDATE blog_post SET create_time = NULL"),
        migrations.RunSQL("UPDATE blog_post SET create_time_x = NULL"),
    ]
"#;
        let found = in_migration(source.as_bytes(), POST, true).expect("parse");
        let what: Vec<&str> = found.unsure.iter().map(|(_, what)| *what).collect();
        assert_eq!(what, ["code that runs later", "raw SQL"]);
    }

    #[test]
    fn the_model_meta_and_its_to_fields() {
        let source = r#"
class Post(models.Model):
    create_time = models.DateTimeField()
    title = models.CharField(max_length=10, verbose_name="create_time")

    class Meta:
        ordering = ["-create_time"]
        get_latest_by = "create_time"
        unique_together = [("title", "create_time")]
        indexes = [models.Index(fields=["create_time"], name="post_idx")]
        constraints = [models.UniqueConstraint(fields=["create_time"], name="u")]
        verbose_name = "create_time"


class Tag(models.Model):
    post = models.ForeignKey(Post, to_field="create_time", on_delete=models.CASCADE)
    other = models.ForeignKey("Other", to_field="create_time", on_delete=models.CASCADE)

    class Meta:
        ordering = ["create_time"]
"#;
        let found = in_models(source.as_bytes(), POST, "Post").expect("parse");
        assert_eq!(count(source, &found), 6, "{:?}", named(source, &found));
        assert!(found.unsure.is_empty());
    }

    #[test]
    fn an_index_named_by_django_is_unsure() {
        let source = "class Post(models.Model):\n    class Meta:\n        indexes = [models.Index(fields=[\"create_time\"])]\n";
        let found = in_models(source.as_bytes(), POST, "Post").expect("parse");
        assert!(found.spans.is_empty());
        assert_eq!(found.unsure.len(), 1);
    }

    #[test]
    fn other_fields_that_name_it() {
        let source = r#"
class Post(models.Model):
    create_time = models.DateTimeField()
    day = models.GeneratedField(expression=TruncDate("create_time"), output_field=models.DateField())
    pk = models.CompositePrimaryKey("title", "create_time")
    slug = models.SlugField(unique_for_date="create_time", verbose_name="create_time")

    class Meta:
        ordering = ["create_time"]
"#;
        let found = in_models(source.as_bytes(), POST, "Post").expect("parse");
        assert_eq!(count(source, &found), 4, "{:?}", named(source, &found));
        assert!(found.meta && !found.constrained);
        let migration = r#"
operations = [
    migrations.AddField("post", "day", models.GeneratedField(expression=TruncDate("create_time"), output_field=models.DateField())),
    migrations.CreateModel(name="Post", fields=[("slug", models.SlugField(unique_for_date="create_time"))]),
]
"#;
        let found = in_migration(migration.as_bytes(), POST, true).expect("parse");
        assert_eq!(
            count(migration, &found),
            2,
            "{:?}",
            named(migration, &found)
        );
    }

    #[test]
    fn to_fields_of_other_modules() {
        let source = r#"
class Order(models.Model):
    a = models.ForeignKey("blog.Post", to_field="create_time", on_delete=models.CASCADE)
    b = models.ForeignKey("news.Post", to_field="create_time", on_delete=models.CASCADE)
    c = models.ForeignKey(Post, to_field="create_time", on_delete=models.CASCADE)
"#;
        let found = in_other_models(source.as_bytes(), POST).expect("parse");
        assert_eq!(count(source, &found), 1);
        assert_eq!(
            found.unsure.len(),
            1,
            "the class may be blog's Post, imported"
        );
    }

    #[test]
    fn when_lookups_relations_and_reverse_accessors() {
        let source = r#"
operations = [
    migrations.AddIndex(model_name="post", index=models.Index(Case(When(create_time__isnull=True, then=Value(1))), name="i")),
    migrations.AlterModelOptions(name="comment", options={"ordering": ["-post__create_time"]}),
]
"#;
        let found = in_migration(source.as_bytes(), POST, true).expect("parse");
        assert_eq!(count(source, &found), 1, "{:?}", named(source, &found));
        let what: Vec<&str> = found.unsure.iter().map(|(_, what)| *what).collect();
        assert_eq!(what, ["a lookup through a relation"]);
        let models = "class Comment(models.Model):\n    post = models.ForeignKey(Post, related_name=\"created_at\", on_delete=models.CASCADE)\n";
        assert_eq!(related_names(models.as_bytes()), ["created_at"]);
    }

    #[test]
    fn words_and_field_names() {
        assert!(names_word("post.create_time = now()", "create_time"));
        assert!(!names_word("post.create_time_x = 1", "create_time"));
        assert!(names_word(
            "filter(author__create_time__gte=x)",
            "create_time"
        ));
        assert_eq!(names_field("-create_time", "create_time"), Some(1));
        assert_eq!(names_field("create_time__year", "create_time"), Some(0));
        assert_eq!(names_field("create_times", "create_time"), None);
        assert_eq!(names_field("author__create_time", "create_time"), None);
    }
}
