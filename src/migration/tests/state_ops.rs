//! The operations as they change the model state: which are read, in which order, and what
//! becomes an unknown change.

use super::super::{Column, StateOp};
use super::parse_checked;

fn ops(source: &str) -> Vec<StateOp> {
    parse_checked(source.as_bytes()).operations.ops
}

/// A short form of each operation, for comparing.
fn brief(ops: &[StateOp]) -> Vec<String> {
    ops.iter()
        .map(|op| match op {
            StateOp::CreateModel {
                model,
                fields,
                complete,
            } => {
                let names: Vec<String> = fields
                    .iter()
                    .map(|f| match &f.column {
                        Column::Default => f.name.value.clone(),
                        Column::Named(c) => format!("{}@{}", f.name.value, c.value),
                        Column::Unknown => format!("{}@?", f.name.value),
                    })
                    .collect();
                format!("create {model:?} {names:?} {complete}")
            }
            StateOp::DeleteModel { model } => format!("delete {model:?}"),
            StateOp::RenameModel { old, new } => format!("rename model {old:?} {new:?}"),
            StateOp::AddField { model, field } => format!(
                "add {model:?} {:?}",
                field
                    .as_ref()
                    .map(|f| (f.name.value.clone(), f.column.clone()))
            ),
            StateOp::AlterField { model, field } => format!(
                "alter {model:?} {:?}",
                field
                    .as_ref()
                    .map(|f| (f.name.value.clone(), f.column.clone()))
            ),
            StateOp::RemoveField { model, name } => format!("remove {model:?} {name:?}"),
            StateOp::RenameField { model, old, new } => format!(
                "rename {model:?} {old:?} {:?}",
                new.as_ref().map(|n| n.value.clone())
            ),
            StateOp::Unknown { model, .. } => format!("unknown {model:?}"),
        })
        .collect()
}

const HEAD: &str = "from django.db import migrations, models\n\nclass Migration(migrations.Migration):\n    dependencies = []\n";

#[test]
fn every_state_operation_in_source_order() {
    let source = format!(
        "{HEAD}    operations = [\n        migrations.CreateModel(\"Post\", [(\"id\", models.AutoField()), (\"t\", models.DateTimeField(db_column=\"ts\"))]),\n        migrations.AddField(\"post\", \"a\", models.IntegerField()),\n        migrations.AlterField(model_name=\"post\", name=\"a\", field=models.IntegerField(db_column=None)),\n        migrations.RenameField(\"post\", \"a\", \"b\"),\n        migrations.RemoveField(\"post\", \"b\"),\n        migrations.RenameModel(\"Post\", \"Article\"),\n        migrations.AddIndex(\"article\", models.Index(fields=[\"t\"], name=\"i\")),\n        migrations.RunPython(lambda apps, schema: None),\n        migrations.DeleteModel(\"Article\"),\n    ]\n"
    );
    assert_eq!(
        brief(&ops(&source)),
        [
            "create Some(\"Post\") [\"id\", \"t@ts\"] true",
            "add Some(\"post\") Some((\"a\", Default))",
            "alter Some(\"post\") Some((\"a\", Default))",
            "rename Some(\"post\") Some(\"a\") Some(\"b\")",
            "remove Some(\"post\") Some(\"b\")",
            "rename model Some(\"Post\") Some(\"Article\")",
            "delete Some(\"Article\")",
        ]
    );
}

/// `SeparateDatabaseAndState` changes the state by its `state_operations` only, and
/// `RunSQL` by its own `state_operations`.
#[test]
fn state_side_only() {
    let source = format!(
        "{HEAD}    operations = [\n        migrations.SeparateDatabaseAndState(\n            database_operations=[migrations.RemoveField(\"post\", \"x\")],\n            state_operations=[migrations.AddField(\"post\", \"y\", models.IntegerField())],\n        ),\n        migrations.RunSQL(\"ALTER TABLE\", state_operations=[migrations.RemoveField(\"post\", \"z\")]),\n    ]\n"
    );
    let parsed = parse_checked(source.as_bytes());
    assert_eq!(
        brief(&parsed.operations.ops),
        [
            "add Some(\"post\") Some((\"y\", Default))",
            "remove Some(\"post\") Some(\"z\")",
        ]
    );
    assert_eq!(parsed.operations.database_only.len(), 1);
}

/// What is not read exactly says so: a project's own operation (naming its model or not), an
/// `operations` that is not a list, a splat, fields that cannot be read, a computed column.
#[test]
fn unknown_changes() {
    let source = format!(
        "{HEAD}    operations = [\n        MoveColumns(model_name=\"post\"),\n        custom.Shuffle(),\n        *MORE,\n        migrations.CreateModel(\"Tag\", FIELDS),\n        migrations.AddField(\"tag\", \"n\", make_field()),\n        migrations.AddField(\"tag\", NAME, models.IntegerField()),\n    ]\n"
    );
    assert_eq!(
        brief(&ops(&source)),
        [
            "unknown Some(\"post\")",
            "unknown None",
            "unknown None",
            "create Some(\"Tag\") [] false",
            "add Some(\"tag\") Some((\"n\", Unknown))",
            "add Some(\"tag\") None",
        ]
    );
    let computed = format!("{HEAD}    operations = BASE + [migrations.DeleteModel(\"Tag\")]\n");
    assert_eq!(
        brief(&ops(&computed)),
        ["unknown None", "delete Some(\"Tag\")"]
    );
}

/// A field's own `db_column` is its column; one inside an argument (`base_field=`) is not.
#[test]
fn column_of_the_field_itself() {
    let source = format!(
        "{HEAD}    operations = [\n        migrations.AddField(\"post\", \"tags\", ArrayField(base_field=models.CharField(db_column=\"inner\"), size=None)),\n        migrations.AddField(\"post\", \"c\", models.CharField(**OPTIONS)),\n    ]\n"
    );
    assert_eq!(
        brief(&ops(&source)),
        [
            "add Some(\"post\") Some((\"tags\", Default))",
            "add Some(\"post\") Some((\"c\", Unknown))",
        ]
    );
}

/// A method of the migration class that touches `operations` may change them when Django
/// builds the migration (a backend-dependent `__init__`): an unknown change.
#[test]
fn method_touching_operations_is_unknown() {
    let source = format!(
        "{HEAD}    operations = [migrations.RemoveField(\"post\", \"a\")]\n\n    def __init__(self, *args, **kwargs):\n        super().__init__(*args, **kwargs)\n        if connection.vendor == \"sqlite\":\n            self.operations = []\n"
    );
    assert_eq!(
        brief(&ops(&source)),
        ["remove Some(\"post\") Some(\"a\")", "unknown None"]
    );
    let harmless = format!(
        "{HEAD}    operations = [migrations.RunPython(forwards)]\n\n    def describe(self):\n        return \"data\"\n"
    );
    assert!(brief(&ops(&harmless)).is_empty());
}
