//! The machine formats from the real binary: JSON keys, types and values; GitHub workflow
//! commands that follow the grammar and decode back to the same findings; a SARIF log with
//! every property code scanning needs; and one order, (path, line, column), in all of them.

use std::path::Path;

use serde_json::Value;
use tempfile::TempDir;

use crate::support::{Run, fixtures, run_in};

mod github;
mod sarif;

const BLOG: &str = "blog/migrations/0001_initial.py";
/// A directory name with a space, Chinese, a comma and a colon: every escape gets exercised.
const SHOP: &str = "商店 shop,v2:old/migrations/0002_order.py";

const BLOG_SOURCE: &str = r#"from django.db import migrations, models


class Migration(migrations.Migration):
    operations = [
        migrations.CreateModel(
            name="Post",
            fields=[
                ("id", models.AutoField(primary_key=True)),
                ("title", models.CharField(max_length=50, db_column="desc")),
                ("craete_time", models.DateTimeField()),
            ],
        ),
        migrations.AddField("post", "start_time", models.DateTimeField(null=True)),
        migrations.AlterField("post", "udpate_time", models.DateTimeField()),
    ]
"#;

const SHOP_SOURCE: &str = r#"# 订单：新增字段
from django.db import migrations, models


class Migration(migrations.Migration):
    operations = [
        migrations.AddField("订单", "is_delted", models.BooleanField(default=False)),
        migrations.AddField("order", "note" models.TextField()),
    ]
"#;

const KEYS: [&str; 15] = [
    "path",
    "line",
    "column",
    "end_line",
    "end_column",
    "rule",
    "severity",
    "model",
    "operation",
    "name",
    "message",
    "suggestions",
    "field",
    "label",
    "declaration",
];

/// Two migration folders and the fixture library (which has an ambiguous entry).
fn project() -> TempDir {
    let dir = TempDir::new().expect("temporary directory");
    for (path, source) in [(BLOG, BLOG_SOURCE), (SHOP, SHOP_SOURCE)] {
        let path = dir.path().join(path);
        std::fs::create_dir_all(path.parent().expect("a parent")).expect("create migrations");
        std::fs::write(path, source).expect("write migration");
    }
    std::fs::copy(
        fixtures().join("library.csv"),
        dir.path().join("library.csv"),
    )
    .expect("copy library");
    dir
}

/// Check both folders, named in reverse order, in `format`.
fn check(dir: &Path, format: &str) -> Run {
    let run = run_in(
        dir,
        &[
            "--library",
            "library.csv",
            "--format",
            format,
            "商店 shop,v2:old",
            "blog",
        ],
    );
    assert_eq!(run.code, 1, "{run:?}");
    run
}

fn json_findings(dir: &Path) -> Vec<Value> {
    let run = check(dir, "json");
    let parsed: Value = serde_json::from_str(&run.stdout).expect("stdout is one JSON document");
    parsed.as_array().expect("a JSON array").clone()
}

/// (path, line, column) of each JSON finding.
fn places(findings: &[Value]) -> Vec<(String, u64, u64)> {
    let place = |f: &Value| {
        let path = f["path"].as_str().expect("path").to_string();
        (
            path,
            f["line"].as_u64().expect("line"),
            f["column"].as_u64().expect("column"),
        )
    };
    findings.iter().map(place).collect()
}

#[test]
fn json_objects_have_exactly_the_documented_keys() {
    let dir = project();
    let findings = json_findings(dir.path());
    for finding in &findings {
        let keys: Vec<&str> = finding
            .as_object()
            .expect("an object")
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(keys, KEYS, "{finding}");
        for key in ["line", "column", "end_line", "end_column"] {
            assert!(
                finding[key].as_u64().is_some_and(|n| n >= 1),
                "{key}: {finding}"
            );
        }
        for key in ["path", "rule", "severity", "message", "label"] {
            assert!(finding[key].is_string(), "{key}: {finding}");
        }
        for key in ["model", "operation", "name", "field"] {
            assert!(
                finding[key].is_string() || finding[key].is_null(),
                "{key}: {finding}"
            );
        }
        for suggestion in finding["suggestions"].as_array().expect("suggestions") {
            let keys: Vec<&String> = suggestion.as_object().expect("an object").keys().collect();
            assert_eq!(keys, ["name", "description"]);
            assert!(suggestion["name"].is_string() && suggestion["description"].is_string());
        }
    }
    let brief: Vec<String> = findings
        .iter()
        .map(|f| {
            let names: Vec<&str> = f["suggestions"]
                .as_array()
                .expect("suggestions")
                .iter()
                .filter_map(|s| s["name"].as_str())
                .collect();
            format!(
                "{}:{}:{}-{}:{} {} {} model={} op={} name={} field={} -> {}",
                f["path"].as_str().unwrap_or("?"),
                f["line"],
                f["column"],
                f["end_line"],
                f["end_column"],
                f["rule"].as_str().unwrap_or("?"),
                f["severity"].as_str().unwrap_or("?"),
                f["model"],
                f["operation"],
                f["name"],
                f["field"],
                names.join("|")
            )
        })
        .collect();
    assert_eq!(
        brief,
        [
            format!(
                "{BLOG}:10:70-10:74 db-column error model=\"Post\" op=\"CreateModel\" name=\"desc\" field=\"title\" -> description"
            ),
            format!(
                "{BLOG}:11:19-11:30 field-name error model=\"Post\" op=\"CreateModel\" name=\"craete_time\" field=null -> create_time"
            ),
            format!(
                "{BLOG}:14:38-14:48 field-name error model=\"post\" op=\"AddField\" name=\"start_time\" field=null -> begin_at|started_at"
            ),
            format!(
                "{BLOG}:15:40-15:51 altered-field-name warning model=\"post\" op=\"AlterField\" name=\"udpate_time\" field=null -> update_time"
            ),
            format!(
                "{SHOP}:7:36-7:45 field-name error model=\"订单\" op=\"AddField\" name=\"is_delted\" field=null -> is_deleted"
            ),
            format!(
                "{SHOP}:8:38-8:44 syntax-error error model=null op=null name=null field=null -> "
            ),
        ]
    );
    assert_eq!(
        findings[2]["message"],
        "`start_time` should be `begin_at` or `started_at`"
    );
    assert_eq!(
        findings[0]["label"],
        "column of field `title` of model `Post`"
    );
    assert_eq!(findings[4]["suggestions"][0]["description"], "是否删除");
}

#[test]
fn json_of_a_clean_run_is_an_empty_array() {
    let dir = project();
    let run = run_in(dir.path(), &["--format", "json", "library.csv"]);
    assert_eq!((run.code, run.stdout.as_str()), (0, "[]\n"), "{run:?}");
}

#[test]
fn every_format_prints_by_path_line_and_column() {
    let dir = project();
    let findings = json_findings(dir.path());
    let order = places(&findings);
    let mut sorted = order.clone();
    sorted.sort();
    assert_eq!(order, sorted);
    assert_eq!(
        order.first().map(|p| p.0.as_str()),
        Some(BLOG),
        "folders were given shop first"
    );

    let concise = check(dir.path(), "concise");
    let starts: Vec<String> = order
        .iter()
        .map(|(p, l, c)| format!("{p}:{l}:{c}: "))
        .collect();
    let lines: Vec<&str> = concise.lines();
    assert_eq!(lines.len(), starts.len() + 1, "findings and the summary");
    for (line, start) in lines.iter().zip(&starts) {
        assert!(line.starts_with(start.as_str()), "{line} vs {start}");
    }
    let full = check(dir.path(), "full");
    let arrows: Vec<String> = full
        .stdout
        .lines()
        .filter_map(|l| l.trim_start().strip_prefix("--> "))
        .map(str::to_string)
        .collect();
    let expected: Vec<String> = order
        .iter()
        .map(|(p, l, c)| format!("{p}:{l}:{c}"))
        .collect();
    assert_eq!(arrows, expected);
}

/// `check-migrate --all | head -1`: the reader goes away early; the run ends quietly with the
/// status its findings give, as ripgrep does, not with an error about the pipe.
#[test]
fn closed_pipe_ends_quietly_with_the_findings_status() {
    use std::io::{BufRead, BufReader};
    use std::process::Stdio;

    let repo = crate::support::Repo::new();
    // Far more output than a pipe buffers, so writing goes on after the reader has gone.
    let names: Vec<String> = (0..3000).map(|_| "craete_time".to_string()).collect();
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    repo.write(BLOG, crate::support::migration(&names));
    let mut child = crate::support::check_migrate(repo.path(), repo.home())
        .args(["--all", "--color", "never"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run check-migrate");
    let stdout = child.stdout.take().expect("stdout");
    let mut first = String::new();
    BufReader::new(stdout)
        .read_line(&mut first)
        .expect("first line");
    assert!(first.starts_with("error[field-name]"), "{first}");
    let output = child.wait_with_output().expect("wait");
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    assert_eq!(String::from_utf8_lossy(&output.stderr), "");
}
