//! Which string literals count as names, and that a name's span is exactly the bytes
//! between its quotes whatever the quoting style.

use super::*;

/// The names found when `literal` is the `name` of an `AddField`.
fn added(literal: &str) -> Vec<String> {
    let source = format!("migrations.AddField(model_name=\"post\", name={literal}, field=F())\n");
    let migration = parse_checked(source.as_bytes());
    assert_eq!(migration.syntax_error, None, "{literal}");
    migration.names.into_iter().map(|name| name.name).collect()
}

#[test]
fn quoting_styles_that_count() {
    for (literal, value) in [
        (r#""create_time""#, "create_time"),
        ("'create_time'", "create_time"),
        (r#""""create_time""""#, "create_time"),
        ("'''create_time'''", "create_time"),
        (r#"r"create_time""#, "create_time"),
        ("R'create_time'", "create_time"),
        (r#"u"create_time""#, "create_time"),
        ("U'''create_time'''", "create_time"),
        (r#"r"create\_time""#, r"create\_time"),
        (r#""it's""#, "it's"),
        (r#"'{create_time}'"#, "{create_time}"),
    ] {
        assert_eq!(added(literal), vec![value.to_owned()], "{literal}");
    }
}

#[test]
fn span_skips_prefix_and_all_quotes() {
    let source = "AddField('post', name=R'''create_time''', field=F())\n";
    let found = names(source);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].span, find(source, "create_time", 0));
    assert_eq!(
        text(source, &found[0].entry_span),
        "name=R'''create_time'''"
    );
}

#[test]
fn literals_that_are_skipped() {
    for literal in [
        r#"f"create_time""#,
        r#"F"create_{suffix}""#,
        r#"rf"create_time""#,
        r#"b"create_time""#,
        r#"rb"create_time""#,
        r#"Br'create_time'"#,
        r#""create" "_time""#,
        "(\"create\"\n    \"_time\")",
        r#""create" + "_time""#,
        r#""create_%s" % "time""#,
        r#""create_{}".format("time")"#,
        r#""create\_time""#,
        r#""\x63reate_time""#,
        r#""create\u005ftime""#,
        "\"create_\\\ntime\"",
        "create_time",
        "None",
        r#"("create_time",)"#,
        r#"["create_time"]"#,
    ] {
        assert_eq!(added(literal), Vec::<String>::new(), "{literal}");
    }
}

#[test]
fn multi_line_triple_quoted_name_keeps_its_bytes() {
    let source = "AddField(\n    \"post\",\n    \"\"\"create\ntime\"\"\",\n    F(),\n)\n";
    let found = names(source);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].name, "create\ntime");
}

#[test]
fn model_follows_the_same_rules() {
    let source = r#"operations = [
    migrations.AddField(model_name=r"post", name="a", field=F()),
    migrations.AddField(model_name=f"post", name="b", field=F()),
    migrations.AddField(model_name="po" "st", name="c", field=F()),
    migrations.AddField(model_name=("post"), name="d", field=F()),
]
"#;
    let models: Vec<Option<String>> = names(source).into_iter().map(|n| n.model).collect();
    assert_eq!(
        models,
        vec![Some("post".to_owned()), None, None, Some("post".to_owned())]
    );
}

#[test]
fn db_column_follows_the_same_rules() {
    let source = r#"operations = [
    migrations.AddField("post", "a", F(db_column=f"create_time")),
    migrations.AddField("post", "b", F(db_column="create" "_time")),
    migrations.AddField("post", "c", F(db_column="create\_time")),
    migrations.AddField("post", "d", F(db_column=COLUMN)),
    migrations.AddField("post", "e", F(db_column=r'create_time')),
]
"#;
    let found = names(source);
    assert_eq!(
        summary(&found),
        vec![
            ("a", Introduced, AddField, Some("post"), None),
            ("b", Introduced, AddField, Some("post"), None),
            ("c", Introduced, AddField, Some("post"), None),
            ("d", Introduced, AddField, Some("post"), None),
            ("e", Introduced, AddField, Some("post"), None),
            ("create_time", DbColumn, AddField, Some("post"), Some("e")),
        ]
    );
}
