//! Files that do not parse cleanly: where the first error is reported, and that the names
//! in the parts that still parse are kept.

use super::*;

#[test]
fn clean_file_has_no_error() {
    assert_eq!(parse_checked(b"operations = []\n").syntax_error, None);
}

#[test]
fn broken_operation_keeps_names_around_it() {
    let source = r#"operations = [
    migrations.AddField("post", "create_time", models.DateTimeField()),
    migrations.AddField("post", "x", models.DateTimeField(default=)),
    migrations.AddField("post", "update_time", models.DateTimeField()),
]
"#;
    let migration = parse_checked(source.as_bytes());
    let names: Vec<&str> = migration.names.iter().map(|n| n.name.as_str()).collect();
    assert_eq!(names, vec!["create_time", "x", "update_time"]);
    let error = migration.syntax_error.unwrap_or(0..0);
    let at = find(source, "default=)", 0).start + "default".len();
    assert_eq!(error, at..at + 1);
}

#[test]
fn missing_token_is_zero_width() {
    let source = "def forwards(:\n    pass\n";
    let migration = parse_checked(source.as_bytes());
    assert_eq!(migration.syntax_error, Some(13..13));
}

#[test]
fn first_error_in_document_order() {
    let source = "x = (1 +\ny = [2,, 3]\nz = {4: }\n";
    let migration = parse_checked(source.as_bytes());
    let error = migration.syntax_error.unwrap_or(usize::MAX..usize::MAX);
    assert!(error.start < find(source, "y", 0).start, "{error:?}");
}

#[test]
fn unterminated_string() {
    let source =
        "migrations.AddField('post', \"create_time)\nmigrations.AddField('post', 'b', F())\n";
    let migration = parse_checked(source.as_bytes());
    assert!(migration.syntax_error.is_some());
    assert!(
        migration
            .names
            .iter()
            .all(|name| name.name != "create_time")
    );
}

#[test]
fn dump_shows_fields_and_missing_nodes() {
    let dump = super::super::dump_tree(b"AddField('a', name='b')\ndef f(:\n  pass\n");
    let dump = dump.unwrap_or_default();
    assert!(
        dump.starts_with("(module (expression_statement (call function: (identifier) arguments: (argument_list (string"),
        "{dump}"
    );
    assert!(dump.contains("(keyword_argument name: (identifier) value: (string"));
    assert!(dump.contains("(MISSING \")\")"), "{dump}");
    assert_eq!(dump.matches('(').count(), dump.matches(')').count() - 1);
}

#[test]
fn unreadable_argument_makes_later_positions_unknown() {
    let cases = [
        ("migrations.AddField($, \"create_time\", F())\n", vec![]),
        (
            "migrations.AddField(\"post\" $ , \"create_time\", F())\n",
            vec![],
        ),
        (
            "migrations.AddField(model_name=\"post\", ?, name=\"create_time\", field=F())\n",
            vec!["create_time"],
        ),
        (
            "migrations.AddField(\"post\", \"create_time\", F(db_column=\"ct\"), ?)\n",
            vec!["create_time", "ct"],
        ),
        (
            "migrations.CreateModel(\"post\", [(? \"create_time\", F())])\n",
            vec![],
        ),
        (
            "migrations.AddField(\"post\", (\"create_time\" ?), F())\n",
            vec![],
        ),
    ];
    for (source, expected) in cases {
        let migration = parse_checked(source.as_bytes());
        assert!(migration.syntax_error.is_some(), "{source}");
        let found: Vec<&str> = migration.names.iter().map(|n| n.name.as_str()).collect();
        assert_eq!(found, expected, "{source}");
    }
}

/// Python refuses a module-level statement that starts indented; the grammar takes it.
#[test]
fn indented_module_is_an_error() {
    let source = "    from django.db import migrations\n\n    class Migration(migrations.Migration):\n        operations = []\n";
    assert_eq!(parse_checked(source.as_bytes()).syntax_error, Some(4..4));
    let later = "x = 1\n  y = 2\n";
    assert_eq!(parse_checked(later.as_bytes()).syntax_error, Some(8..8));
    // What Python accepts: statements after `;`, a continued line, a form feed, indented
    // comments.
    for fine in [
        "a = 1;   b = 2\n",
        "x = 1 + \\\n    2\n",
        "x = 1 \\\n    ; y = 2\n",
        "\x0cx = 1\n",
        "x = 1\n    # a comment\n",
    ] {
        assert_eq!(
            parse_checked(fine.as_bytes()).syntax_error,
            None,
            "{fine:?}"
        );
    }
}
