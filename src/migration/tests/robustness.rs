//! Inputs found in real repositories or built to break naive parsers: foreign encodings,
//! byte order marks, Windows line ends, huge and deeply nested files.

use super::*;

const ADD: &str = "migrations.AddField(model_name=\"post\", name=\"create_time\", field=F())\n";

#[test]
fn gbk_comment_does_not_hide_names() {
    // "创建时间" encoded in GBK: invalid UTF-8.
    let mut source = b"# \xb4\xb4\xbd\xa8\xca\xb1\xbc\xe4\n".to_vec();
    source.extend_from_slice(b"operations = [  # \xb4\xb4\xbd\xa8\n    ");
    let start = source.len();
    source.extend_from_slice(ADD.as_bytes());
    source.extend_from_slice(b"]\n");
    let migration = parse_checked(&source);
    assert_eq!(migration.syntax_error, None);
    assert_eq!(
        summary(&migration.names),
        vec![("create_time", Introduced, AddField, Some("post"), None)]
    );
    let offset = start + find(ADD, "create_time", 0).start;
    assert_eq!(
        migration.names[0].span,
        offset..offset + "create_time".len()
    );
}

#[test]
fn gbk_bytes_in_literals() {
    let source = b"operations = [\n    migrations.AddField(\"post\", \"\xb4\xb4\xbd\xa8\", F(verbose_name=\"\xca\xb1\xbc\xe4\")),\n    migrations.AddField(\"post\", \"create_time\", F()),\n]\n";
    let migration = parse_checked(source);
    assert_eq!(
        summary(&migration.names),
        vec![("create_time", Introduced, AddField, Some("post"), None)]
    );
}

#[test]
fn byte_order_mark_keeps_offsets() {
    let source = format!("\u{feff}from django.db import migrations\n{ADD}");
    let found = names(&source);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].span, find(&source, "create_time", 0));
    assert_eq!(
        found[0].span.start,
        3 + 33 + find(ADD, "create_time", 0).start
    );
}

#[test]
fn crlf_line_ends() {
    let source = "from django.db import migrations, models\r\n\r\n\r\nclass Migration(migrations.Migration):\r\n    operations = [\r\n        migrations.AddField(\r\n            model_name=\"post\",\r\n            name=\"create_time\",\r\n            field=models.DateTimeField(db_column=\"ctime\"),\r\n        ),\r\n    ]\r\n";
    let found = names(source);
    assert_eq!(
        summary(&found),
        vec![
            ("create_time", Introduced, AddField, Some("post"), None),
            (
                "ctime",
                DbColumn,
                AddField,
                Some("post"),
                Some("create_time")
            ),
        ]
    );
    assert_eq!(found[0].span, find(source, "create_time", 0));
}

#[test]
fn tab_indentation() {
    let source = "class Migration(migrations.Migration):\n\toperations = [\n\t\tmigrations.CreateModel(\n\t\t\tname=\"Post\",\n\t\t\tfields=[\n\t\t\t\t(\"create_time\", models.DateTimeField()),\n\t\t\t],\n\t\t),\n\t]\n";
    let found = names(source);
    assert_eq!(
        summary(&found),
        vec![("create_time", Introduced, CreateModel, Some("Post"), None)]
    );
    assert_eq!(found[0].span, find(source, "create_time", 0));
}

#[test]
fn empty_and_blank_files() {
    for source in ["", "\n", "   \n\n", "# only a comment\n", "\u{feff}"] {
        let parsed = parse_checked(source.as_bytes());
        assert!(parsed.names.is_empty(), "{source:?}");
        assert_eq!(parsed.syntax_error, None, "{source:?}");
    }
    let comments = parse_checked(b"# only a comment\n").comments;
    assert_eq!(comments.len(), 1);
    assert_eq!(comments[0], 0..16);
}

#[test]
fn chinese_text_on_the_same_line() {
    let source = "operations = [\n    migrations.AddField(\"文章\", \"create_time\", models.DateTimeField(verbose_name=\"创建时间\", help_text=\"记录的创建时间\", db_column=\"创建_time\")),  # 创建时间\n    migrations.CreateModel(name=\"评论\", fields=[(\"update_time\", models.DateTimeField(verbose_name=\"更新时间\"))]),  # 更新\n]\n";
    let found = names(source);
    assert_eq!(
        summary(&found),
        vec![
            ("create_time", Introduced, AddField, Some("文章"), None),
            (
                "创建_time",
                DbColumn,
                AddField,
                Some("文章"),
                Some("create_time")
            ),
            ("update_time", Introduced, CreateModel, Some("评论"), None),
        ]
    );
    assert_eq!(found[0].span, find(source, "create_time", 0));
    assert_eq!(found[1].span, find(source, "创建_time", 0));
    assert_eq!(found[2].span, find(source, "update_time", 0));
}

#[test]
fn arbitrary_bytes_do_not_panic() {
    let all: Vec<u8> = (0..=255).collect();
    let mut source = all.clone();
    source.extend(all.iter().rev());
    source.extend_from_slice(ADD.as_bytes());
    source.extend_from_slice(&all);
    let migration = parse_checked(&source);
    assert!(migration.syntax_error.is_some());
}

/// A migration of about `size` bytes: one `CreateModel` after another.
fn generated(size: usize) -> String {
    let mut source = String::from(
        "from django.db import migrations, models\n\n\nclass Migration(migrations.Migration):\n    operations = [\n",
    );
    let mut index = 0;
    while source.len() < size {
        source.push_str(&format!(
            "        migrations.CreateModel(\n            name=\"Model{index}\",\n            fields=[\n                (\"id\", models.BigAutoField(primary_key=True)),\n                (\"create_time\", models.DateTimeField(db_column=\"ctime\", verbose_name=\"创建时间\")),\n            ],\n        ),\n"
        ));
        index += 1;
    }
    source.push_str("    ]\n");
    source
}

fn check_generated(size: usize) {
    let source = generated(size);
    let found = names(&source);
    assert_eq!(found.len() % 3, 0);
    assert!(found.len() >= size / 400);
    let last = found.last().map(|name| name.model.clone());
    assert!(matches!(last, Some(Some(model)) if model.starts_with("Model")));
}

#[test]
fn one_megabyte_file() {
    check_generated(1_000_000);
}

#[test]
#[ignore = "parsing 10 MB takes well over ten seconds in a debug build; run with --ignored"]
fn ten_megabyte_file() {
    check_generated(10_000_000);
}

#[test]
fn deeply_nested_brackets() {
    const DEPTH: usize = 100_000;
    // Alternating brackets, so that neither list nor call handling is the only one tested.
    let balanced = format!(
        "x = {}{}\n{ADD}",
        "([".repeat(DEPTH / 2),
        "])".repeat(DEPTH / 2)
    );
    let migration = parse_checked(balanced.as_bytes());
    if migration.syntax_error.is_none() {
        assert_eq!(migration.names.len(), 1);
    }
    for open in ["[", "("] {
        let unclosed = format!("{ADD}x = {}\n", open.repeat(DEPTH));
        let migration = parse_checked(unclosed.as_bytes());
        assert!(migration.syntax_error.is_some(), "{open}");
        assert_eq!(migration.names.len(), 1, "{open}");
    }
}

#[test]
fn deeply_nested_operation_arguments() {
    let depth = 20_000;
    let source = format!(
        "migrations.AddField(\"post\", \"create_time\", {}F(db_column=\"ctime\"){})\n",
        "models.F(".repeat(depth),
        ")".repeat(depth)
    );
    assert_eq!(
        summary(&names(&source)),
        vec![
            ("create_time", Introduced, AddField, Some("post"), None),
            (
                "ctime",
                DbColumn,
                AddField,
                Some("post"),
                Some("create_time")
            ),
        ]
    );
}
