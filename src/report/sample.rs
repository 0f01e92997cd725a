//! A hand-built report for the printers' tests: every kind of finding the formats must carry,
//! in two files, one with a space and Chinese characters in its path.

use super::{Format, Report, print};
use crate::check::{CheckedFile, Declaration, Finding, Rule};
use crate::library::Suggestion;
use crate::migration::OperationKind;

pub(super) const INITIAL: &str = "blog/migrations/0001_initial.py";
pub(super) const BROKEN: &str = "shop/迁移 文件/0002_broken.py";

const INITIAL_SOURCE: &str = r#"from django.db import migrations, models


class Migration(migrations.Migration):
    operations = [
        migrations.CreateModel(
            name="Post",
            fields=[
                ("create_time", models.DateTimeField()),
                ("start_time", models.DateTimeField()),
                ("title", models.CharField(max_length=10, db_column="desc")),
            ],
        ),
        migrations.AlterField("post", "update_time", models.DateTimeField()),
    ]
"#;

const BROKEN_SOURCE: &str =
    "migrations.AddField(\"订单\", \"is_delete\", models.BooleanField())\nmigrations.AddField(\n";

fn suggestion(name: &str, description: &str) -> Suggestion {
    Suggestion {
        name: name.to_string(),
        description: description.to_string(),
    }
}

/// A finding on the first `"name"` literal of `source`.
fn named(
    source: &str,
    rule: Rule,
    name: &str,
    model: &str,
    operation: OperationKind,
    suggestions: Vec<Suggestion>,
) -> Finding {
    let quoted = format!("\"{name}\"");
    let start = source.find(&quoted).expect("name in the sample source") + 1;
    Finding {
        rule,
        severity: rule.default_severity(),
        span: start..start + name.len(),
        name: Some(name.to_string()),
        model: Some(model.to_string()),
        field: None,
        operation: Some(operation),
        suggestions,
        detail: None,
        help: None,
        declaration: None,
    }
}

/// The sample's files and findings in no particular order, as a careless producer might
/// leave them.
pub(super) fn shuffled() -> Report {
    use OperationKind::{AddField, AlterField, CreateModel};
    let initial = INITIAL_SOURCE;
    let db_column = Finding {
        field: Some("title".to_string()),
        declaration: Some(Declaration::Inherited {
            path: "blog/models.py".to_string(),
            line: 8,
            column: 7,
            class: "Post".to_string(),
            bases: vec!["TitleMixin".to_string()],
        }),
        ..named(
            initial,
            Rule::DbColumn,
            "desc",
            "Post",
            CreateModel,
            vec![suggestion("description", "描述")],
        )
    };
    let initial_findings = vec![
        named(
            initial,
            Rule::AlteredFieldName,
            "update_time",
            "post",
            AlterField,
            vec![suggestion("updated_at", "更新时间")],
        ),
        db_column,
        Finding {
            declaration: Some(Declaration::Here {
                path: "blog/models.py".to_string(),
                line: 12,
                column: 5,
                class: "Post".to_string(),
            }),
            ..named(
                initial,
                Rule::FieldName,
                "create_time",
                "Post",
                CreateModel,
                vec![suggestion("created_at", "创建时间。")],
            )
        },
        named(
            initial,
            Rule::FieldName,
            "start_time",
            "Post",
            CreateModel,
            vec![
                suggestion("begin_at", "开始时间"),
                suggestion("started_at", "启动\n时间"),
            ],
        ),
    ];
    let end = BROKEN_SOURCE.len() - 1;
    let syntax_error = Finding {
        rule: Rule::SyntaxError,
        severity: Rule::SyntaxError.default_severity(),
        span: end..end,
        name: None,
        model: None,
        field: None,
        operation: None,
        suggestions: Vec::new(),
        detail: None,
        help: None,
        declaration: None,
    };
    let broken_findings = vec![
        syntax_error,
        named(
            BROKEN_SOURCE,
            Rule::FieldName,
            "is_delete",
            "订单",
            AddField,
            vec![suggestion("is_deleted", "")],
        ),
    ];
    Report {
        files: vec![
            CheckedFile {
                path: BROKEN.to_string(),
                source: BROKEN_SOURCE.as_bytes().to_vec(),
                findings: broken_findings,
            },
            CheckedFile {
                path: INITIAL.to_string(),
                source: initial.as_bytes().to_vec(),
                findings: initial_findings,
            },
        ],
        files_checked: 3,
        models_checked: 0,
        labels: Default::default(),
    }
}

/// The sample in report order.
pub(super) fn report() -> Report {
    let mut report = shuffled();
    report.sort();
    report
}

/// `report` printed in `format` without colour.
pub(super) fn render(report: &Report, format: Format) -> String {
    let mut out = Vec::new();
    print(&mut out, report, format, false).expect("writing to a Vec cannot fail");
    String::from_utf8(out).expect("the printers write UTF-8")
}
