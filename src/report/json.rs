//! `--format json`: every finding as a JSON object, for scripts and editor integrations.
//! `docs/check-migrate.schema.json` is the JSON Schema of the output (a test keeps its rule
//! ids to [`Rule::ALL`](crate::check::Rule::ALL); another validates real output with it).
//!
//! The output is one pretty-printed JSON array (`[]` when nothing was found) followed by a
//! newline, with nothing else on stdout. Findings come in report order: by path, then line,
//! then column. Each finding is an object with these keys, always present and in this order:
//!
//! - `path` (string): the file, relative to the repository root and `/`-separated; outside a
//!   repository, as given on the command line.
//! - `line`, `column` (integers): where the finding starts, 1-based; the column counts
//!   characters, not bytes.
//! - `end_line`, `end_column` (integers): where it ends, exclusive: just past the name.
//! - `rule` (string): the rule's id, one of [`Rule::ALL`](crate::check::Rule::ALL) (the
//!   graph rules included).
//! - `severity` (string): `error` or `warning`, after the config's `[severity]` settings.
//! - `model` (string or null): the model as written in the operation; null when unknown.
//! - `operation` (string or null): `CreateModel`, `AddField`, `AlterField` or `RenameField`;
//!   null when the finding is not about a name (a syntax error, a suppression comment).
//! - `name` (string or null): the wrong name; null when the finding is not about a name.
//! - `message` (string): the headline, e.g. ``"`create_time` should be `created_at`"``.
//! - `suggestions` (array): every correct name the library offers, in library order, each
//!   `{"name": string, "description": string}`; the description may be empty.
//! - `field` (string or null): for `db-column`, the field whose column it names; else null.
//! - `label` (string): where the name sits, e.g. ``"field of model `Post`, created here"``.
//! - `declaration` (object or null): where the field is declared in the app's models
//!   (`models.py` or a `models` package), `{"path", "line", "column", "class",
//!   "inherited_from"}`. `inherited_from` is null when the field's assignment (or its
//!   `db_column` string) is at that place; when the model's class (at that place) does not
//!   declare the field, it lists the bases outside the app it may come from. Null when the
//!   declaration is not found or the finding is not about a field.
//!
//! For a syntax error the span may be empty: then `end_line`/`end_column` equal
//! `line`/`column`. Keys may be added in later versions; none will be renamed or removed.
//!
//! ```json
//! [
//!   {
//!     "path": "blog/migrations/0001_initial.py",
//!     "line": 9,
//!     "column": 19,
//!     "end_line": 9,
//!     "end_column": 30,
//!     "rule": "field-name",
//!     "severity": "error",
//!     "model": "Post",
//!     "operation": "CreateModel",
//!     "name": "create_time",
//!     "message": "`create_time` should be `created_at`",
//!     "suggestions": [{"name": "created_at", "description": "创建时间"}],
//!     "field": null,
//!     "label": "field of model `Post`, created here",
//!     "declaration": {
//!       "path": "blog/models.py",
//!       "line": 12,
//!       "column": 5,
//!       "class": "Post",
//!       "inherited_from": null
//!     }
//!   }
//! ]
//! ```

use std::io::{self, Write};

use serde_json::{Value, json};

use super::{Region, Report, regions};
use crate::check::{CheckedFile, Declaration, Finding};
use crate::text::LineIndex;

pub(super) fn print(out: &mut impl Write, report: &Report) -> io::Result<()> {
    let mut findings = Vec::new();
    for file in &report.files {
        let lines = LineIndex::new(&file.source);
        let regions = regions(file, &lines);
        findings.extend(
            file.findings
                .iter()
                .zip(&regions)
                .map(|(f, at)| object(file, at, f)),
        );
    }
    serde_json::to_writer_pretty(&mut *out, &findings)?;
    writeln!(out)
}

/// One finding as the documented object; keys are inserted in the documented order, which
/// the map keeps.
fn object(file: &CheckedFile, at: &Region, finding: &Finding) -> Value {
    let suggestions: Vec<Value> = finding
        .suggestions
        .iter()
        .map(|s| json!({"name": s.name, "description": s.description}))
        .collect();
    json!({
        "path": file.path,
        "line": at.start.line,
        "column": at.start.column,
        "end_line": at.end.line,
        "end_column": at.end.column,
        "rule": finding.rule.id(),
        "severity": finding.severity.as_str(),
        "model": finding.model,
        "operation": finding.operation.map(|op| op.as_str()),
        "name": finding.name,
        "message": finding.message(),
        "suggestions": suggestions,
        "field": finding.field,
        "label": finding.label(),
        "declaration": finding.declaration.as_ref().map(declaration),
    })
}

fn declaration(declaration: &Declaration) -> Value {
    match declaration {
        Declaration::Here {
            path,
            line,
            column,
            class,
        } => json!({
            "path": path,
            "line": line,
            "column": column,
            "class": class,
            "inherited_from": null,
        }),
        Declaration::Inherited {
            path,
            line,
            column,
            class,
            bases,
        } => json!({
            "path": path,
            "line": line,
            "column": column,
            "class": class,
            "inherited_from": bases,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::super::sample::{self, BROKEN, INITIAL};
    use super::super::{Format, Report};

    #[test]
    fn empty_report_is_an_empty_array() {
        assert_eq!(sample::render(&Report::default(), Format::Json), "[]\n");
    }

    #[test]
    fn findings_are_objects_in_report_order() {
        let out = sample::render(&sample::report(), Format::Json);
        let expected = r#"[
  {
    "path": "blog/migrations/0001_initial.py",
    "line": 9,
    "column": 19,
    "end_line": 9,
    "end_column": 30,
    "rule": "field-name",
    "severity": "error",
    "model": "Post",
    "operation": "CreateModel",
    "name": "create_time",
    "message": "`create_time` should be `created_at`",
    "suggestions": [
      {
        "name": "created_at",
        "description": "创建时间。"
      }
    ],
    "field": null,
    "label": "field of model `Post`, created here",
    "declaration": {
      "path": "blog/models.py",
      "line": 12,
      "column": 5,
      "class": "Post",
      "inherited_from": null
    }
  },
  {
    "path": "blog/migrations/0001_initial.py",
    "line": 10,
    "column": 19,
    "end_line": 10,
    "end_column": 29,
    "rule": "field-name",
    "severity": "error",
    "model": "Post",
    "operation": "CreateModel",
    "name": "start_time",
    "message": "`start_time` should be `begin_at` or `started_at`",
    "suggestions": [
      {
        "name": "begin_at",
        "description": "开始时间"
      },
      {
        "name": "started_at",
        "description": "启动\n时间"
      }
    ],
    "field": null,
    "label": "field of model `Post`, created here",
    "declaration": null
  },
  {
    "path": "blog/migrations/0001_initial.py",
    "line": 11,
    "column": 70,
    "end_line": 11,
    "end_column": 74,
    "rule": "db-column",
    "severity": "error",
    "model": "Post",
    "operation": "CreateModel",
    "name": "desc",
    "message": "column `desc` should be `description`",
    "suggestions": [
      {
        "name": "description",
        "description": "描述"
      }
    ],
    "field": "title",
    "label": "column of field `title` of model `Post`",
    "declaration": {
      "path": "blog/models.py",
      "line": 8,
      "column": 7,
      "class": "Post",
      "inherited_from": [
        "TitleMixin"
      ]
    }
  },
  {
    "path": "blog/migrations/0001_initial.py",
    "line": 14,
    "column": 40,
    "end_line": 14,
    "end_column": 51,
    "rule": "altered-field-name",
    "severity": "warning",
    "model": "post",
    "operation": "AlterField",
    "name": "update_time",
    "message": "`update_time` should be `updated_at`",
    "suggestions": [
      {
        "name": "updated_at",
        "description": "更新时间"
      }
    ],
    "field": null,
    "label": "field of model `post`, altered here",
    "declaration": null
  },
  {
    "path": "shop/迁移 文件/0002_broken.py",
    "line": 1,
    "column": 28,
    "end_line": 1,
    "end_column": 37,
    "rule": "field-name",
    "severity": "error",
    "model": "订单",
    "operation": "AddField",
    "name": "is_delete",
    "message": "`is_delete` should be `is_deleted`",
    "suggestions": [
      {
        "name": "is_deleted",
        "description": ""
      }
    ],
    "field": null,
    "label": "field of model `订单`, added here",
    "declaration": null
  },
  {
    "path": "shop/迁移 文件/0002_broken.py",
    "line": 2,
    "column": 21,
    "end_line": 2,
    "end_column": 21,
    "rule": "syntax-error",
    "severity": "error",
    "model": null,
    "operation": null,
    "name": null,
    "message": "the file does not parse as Python",
    "suggestions": [],
    "field": null,
    "label": "first syntax error here",
    "declaration": null
  }
]
"#;
        assert_eq!(out, expected);
        assert!(out.contains(INITIAL) && out.contains(BROKEN));
    }

    #[test]
    fn the_schema_names_every_rule() {
        let path =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/check-migrate.schema.json");
        let text = std::fs::read_to_string(path).expect("docs/check-migrate.schema.json");
        let schema: serde_json::Value = serde_json::from_str(&text).expect("the schema is JSON");
        let ids: Vec<&str> = schema["$defs"]["finding"]["properties"]["rule"]["enum"]
            .as_array()
            .expect("an enum of rule ids")
            .iter()
            .filter_map(|id| id.as_str())
            .collect();
        let all: Vec<&str> = crate::check::Rule::ALL
            .into_iter()
            .map(|r| r.id())
            .collect();
        assert_eq!(ids, all);
    }
}
