//! The SARIF printer over the sample report: the exact log, the rule descriptors, URIs and
//! fingerprints.

use serde_json::{Value, json};

use super::super::sample::{self, BROKEN, INITIAL};
use super::super::{Format, Report};
use super::{artifact_location, driver};
use crate::check::Rule;

fn rendered(report: &Report) -> Value {
    serde_json::from_str(&sample::render(report, Format::Sarif)).expect("valid JSON")
}

/// The expected result for one finding of the sample.
fn expected(
    rule: &str,
    index: usize,
    level: &str,
    text: &str,
    uri: &str,
    (line, column, end_column): (usize, usize, usize),
    fingerprint: &str,
) -> Value {
    json!({
        "ruleId": rule,
        "ruleIndex": index,
        "level": level,
        "message": {"text": text},
        "locations": [{"physicalLocation": {
            "artifactLocation": {"uri": uri, "uriBaseId": "SRCROOT"},
            "region": {"startLine": line, "startColumn": column, "endLine": line, "endColumn": end_column},
        }}],
        "partialFingerprints": {"checkMigrate/v1": fingerprint},
    })
}

#[test]
fn the_log_is_exact() {
    let initial = "blog/migrations/0001_initial.py";
    let broken = "shop/%E8%BF%81%E7%A7%BB%20%E6%96%87%E4%BB%B6/0002_broken.py";
    let rename = "Rename the model field and regenerate the migration.";
    let mut results = vec![
        expected(
            "field-name",
            0,
            "error",
            &format!("`create_time` should be `created_at` (`created_at`: 创建时间). {rename}"),
            initial,
            (9, 19, 30),
            "51e6921c018aab7b",
        ),
        expected(
            "field-name",
            0,
            "error",
            &format!(
                "`start_time` should be `begin_at` or `started_at` (`begin_at`: 开始时间; `started_at`: 启动 时间). {rename}"
            ),
            initial,
            (10, 19, 29),
            "26317dc8df19b387",
        ),
        expected(
            "db-column",
            2,
            "error",
            "column `desc` should be `description` (`description`: 描述). Change `db_column` on the model field and regenerate the migration.",
            initial,
            (11, 70, 74),
            "f133d77fe473aaf5",
        ),
        expected(
            "altered-field-name",
            1,
            "warning",
            "`update_time` should be `updated_at` (`updated_at`: 更新时间). The column exists already: rename it in a migration of its own (RenameField) when you can.",
            initial,
            (14, 40, 51),
            "1937db71185d9021",
        ),
        expected(
            "field-name",
            0,
            "error",
            &format!("`is_delete` should be `is_deleted`. {rename}"),
            broken,
            (1, 28, 37),
            "7b91d6c0fe240f4a",
        ),
        expected(
            "syntax-error",
            3,
            "error",
            "the file does not parse as Python. Fix the syntax; the rest of the file was still checked as far as it could be read.",
            broken,
            (2, 21, 21),
            "4a0404dcccf37c6e",
        ),
    ];
    let related = |line: usize, column: usize, text: &str| {
        json!([{
            "id": 1,
            "physicalLocation": {
                "artifactLocation": {"uri": "blog/models.py", "uriBaseId": "SRCROOT"},
                "region": {"startLine": line, "startColumn": column},
            },
            "message": {"text": text},
        }])
    };
    results[0]["relatedLocations"] = related(12, 5, "declared here: blog/models.py:12:5");
    results[2]["relatedLocations"] = related(
        8,
        7,
        "`Post` (blog/models.py:8:7) does not declare `title`: it may come from `TitleMixin`, \
         outside the repository, and then renaming it may not be yours to do; `allow = \
         [\"Post.desc\"]` accepts it",
    );
    let log = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": driver()},
            "columnKind": "unicodeCodePoints",
            "originalUriBaseIds": {"SRCROOT": {"description": {"text": "The root of the repository the checked files are in; outside a repository, the directory check-migrate ran in."}}},
            "results": results,
        }],
    });
    let text = serde_json::to_string_pretty(&log).expect("serializable");
    assert_eq!(
        sample::render(&sample::report(), Format::Sarif),
        text + "\n"
    );
    assert!(INITIAL == initial && BROKEN.contains(' '));
}

#[test]
fn every_rule_is_described_once_in_order() {
    let log = rendered(&Report::default());
    let run = &log["runs"][0];
    assert_eq!(run["results"], json!([]));
    let rules = run["tool"]["driver"]["rules"].as_array().expect("rules");
    let ids: Vec<&str> = rules.iter().filter_map(|r| r["id"].as_str()).collect();
    let all: Vec<&str> = Rule::ALL.into_iter().map(Rule::id).collect();
    assert_eq!(ids, all);
    let mut first = rules[0].clone();
    // The help is the rule's page, from the one source of the rules' documentation.
    assert_eq!(first["help"]["text"], Rule::FieldName.page());
    assert_eq!(first["help"]["markdown"], Rule::FieldName.markdown());
    let repository = env!("CARGO_PKG_REPOSITORY");
    match first.as_object_mut().and_then(|o| o.remove("helpUri")) {
        Some(uri) => assert_eq!(
            uri,
            json!(format!("{repository}/blob/main/docs/rules.md#field-name"))
        ),
        None => assert!(repository.is_empty()),
    }
    first["help"] = json!(null);
    assert_eq!(
        first,
        json!({
            "id": "field-name",
            "name": "FieldName",
            "shortDescription": {"text": "A migration introduces a field whose name the field library marks as wrong."},
            "fullDescription": {"text": "A migration introduces a field whose name the field library marks as wrong. Rename the model field and regenerate the migration."},
            "help": null,
            "defaultConfiguration": {"level": "error"},
        })
    );
    assert_eq!(rules[1]["defaultConfiguration"]["level"], "warning");
    assert_eq!(run["tool"]["driver"]["version"], env!("CARGO_PKG_VERSION"));
}

#[test]
fn uris_are_percent_encoded_references() {
    let uri = |path| artifact_location(path)["uri"].as_str().map(str::to_string);
    assert_eq!(uri("a b/c.py").as_deref(), Some("a%20b/c.py"));
    assert_eq!(uri("a:b/c.py").as_deref(), Some("a%3Ab/c.py"));
    assert_eq!(
        uri("../x/0001_迁.py").as_deref(),
        Some("../x/0001_%E8%BF%81.py")
    );
    assert_eq!(uri("/tmp/a b.py").as_deref(), Some("file:///tmp/a%20b.py"));
    assert_eq!(uri("C:/x/0001.py").as_deref(), Some("file:///C:/x/0001.py"));
    assert_eq!(artifact_location("/tmp/x.py")["uriBaseId"], Value::Null);
}

#[test]
fn fingerprints_ignore_lines_and_tell_repeats_apart() {
    let fingerprints = |report: &Report| -> Vec<Value> {
        rendered(report)["runs"][0]["results"]
            .as_array()
            .expect("results")
            .iter()
            .map(|r| r["partialFingerprints"]["checkMigrate/v1"].clone())
            .collect()
    };
    let report = sample::report();
    let mut moved = sample::report();
    for file in &mut moved.files {
        file.source
            .splice(0..0, b"# a new first line\n".iter().copied());
        for finding in &mut file.findings {
            finding.span = finding.span.start + 19..finding.span.end + 19;
        }
    }
    assert_eq!(fingerprints(&moved), fingerprints(&report));

    let mut repeated = sample::report();
    let first = repeated.files[0].findings[0].clone();
    repeated.files[0].findings.insert(1, first);
    let prints = fingerprints(&repeated);
    assert_ne!(prints[0], prints[1]);
    assert_eq!(prints[1], "32ebcb12f69b615a");
}
