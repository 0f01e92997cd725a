//! Places where a wrong name may appear in a migration without being introduced by it: none
//! of them may produce a name.

use super::*;

fn assert_no_names(source: &str) {
    let found = names(source);
    assert!(found.is_empty(), "unexpected names: {:?}", summary(&found));
}

#[test]
fn comments_and_descriptive_strings() {
    assert_no_names(
        r#"# create_time was renamed in 0007
from django.db import migrations, models


class Migration(migrations.Migration):
    """Drop create_time in favour of created_at."""

    operations = [
        # migrations.AddField("post", "create_time", models.DateTimeField()),
        migrations.AlterModelOptions(
            name="post",
            options={"ordering": ["-create_time"], "verbose_name": "create_time"},
        ),
        migrations.AlterModelTable(name="post", table="create_time"),
    ]
"#,
    );
}

#[test]
fn help_text_and_verbose_name_of_a_field() {
    let source = r#"operations = [
    migrations.AddField(
        model_name="post",
        name="created_at",
        field=models.DateTimeField(help_text="create_time", verbose_name="create_time"),
    ),
]
"#;
    assert_eq!(
        summary(&names(source)),
        vec![("created_at", Introduced, AddField, Some("post"), None)]
    );
}

#[test]
fn run_python_function_bodies() {
    assert_no_names(
        r#"from django.db import migrations


def forwards(apps, schema_editor):
    Post = apps.get_model("blog", "Post")
    Post.objects.filter(create_time__isnull=True).update(create_time=now())
    field = Post._meta.get_field("create_time")
    op = migrations.AddField("post", "create_time", models.DateTimeField(db_column="ctime"))


async def backwards(apps, schema_editor):
    migrations.RenameField("post", "created_at", "create_time")


class Migration(migrations.Migration):
    operations = [
        migrations.RunPython(forwards, backwards),
        migrations.RunPython(lambda apps, editor: migrations.AddField("p", "create_time", F())),
    ]
"#,
    );
}

#[test]
fn decorated_helpers_and_methods_are_skipped_too() {
    let source = r#"class Migration(migrations.Migration):
    @staticmethod
    def state():
        return migrations.AddField("post", "create_time", models.DateTimeField())

    operations = [
        migrations.AddField("post", "created_at", models.DateTimeField(default=lambda: F(db_column="ctime"))),
    ]
"#;
    assert_eq!(
        summary(&names(source)),
        vec![("created_at", Introduced, AddField, Some("post"), None)]
    );
}

#[test]
fn other_operations() {
    assert_no_names(
        r#"operations = [
    migrations.RemoveField(model_name="post", name="create_time"),
    migrations.RemoveField("post", "update_time"),
    migrations.AddIndex(
        model_name="post",
        index=models.Index(fields=["create_time"], name="post_create_time_idx"),
    ),
    migrations.AlterUniqueTogether(name="post", unique_together={("author", "create_time")}),
    migrations.AddConstraint(
        model_name="post",
        constraint=models.CheckConstraint(check=models.Q(create_time__gte=F("x")), name="c"),
    ),
    migrations.RenameModel(old_name="create_time", new_name="create_time2"),
    migrations.RunSQL("ALTER TABLE post ADD COLUMN create_time timestamp"),
    migrations.DeleteModel(name="create_time"),
]
"#,
    );
}

#[test]
fn rename_field_old_name_alone() {
    assert_no_names("migrations.RenameField(\"post\", \"create_time\")\n");
    assert_no_names("migrations.RenameField(model_name=\"post\", old_name=\"create_time\")\n");
}

#[test]
fn interpolated_and_concatenated_names() {
    assert_no_names(
        r#"PREFIX = "create"
operations = [
    migrations.AddField("post", f"{PREFIX}_time", models.DateTimeField()),
    migrations.AddField("post", "create" "_time", models.DateTimeField()),
    migrations.AddField("post", "create" + "_time", models.DateTimeField()),
    migrations.AddField("post", PREFIX + "_time", models.DateTimeField()),
]
"#,
    );
}

#[test]
fn db_column_outside_any_operation() {
    assert_no_names(
        r#"CREATED = models.DateTimeField(db_column="create_time")

operations = [
    migrations.AddField(model_name="post", field=CREATED),
    migrations.AddIndex("post", models.Index(F(db_column="create_time"), name="i")),
]
"#,
    );
}

#[test]
fn operations_with_other_names_or_no_call() {
    assert_no_names(
        r#"operations = [
    migrations.AddFieldLater("post", "create_time", F()),
    AddField,
    migrations.AddField["post"],
    OPERATIONS["AddField"]("post", "create_time", F()),
    migrations.AddField(f for f in FIELDS),
]
"#,
    );
}
