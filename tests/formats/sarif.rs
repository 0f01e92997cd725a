//! `--format sarif` from the real binary: the properties SARIF 2.1.0 requires, and results
//! that agree with the JSON findings.

use std::collections::BTreeSet;

use serde_json::Value;

use super::{check, json_findings, project};

/// Percent-decode a URI reference that may hold only unreserved characters, `/` and `%XX`.
fn uri_path(uri: &str) -> String {
    let bytes = uri.as_bytes();
    let mut decoded = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = uri.get(i + 1..i + 3).expect("two hex digits after %");
            decoded.push(u8::from_str_radix(hex, 16).expect("hex digits"));
            i += 3;
        } else {
            assert!(
                bytes[i].is_ascii_alphanumeric() || b"-._~/".contains(&bytes[i]),
                "{uri}"
            );
            decoded.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(decoded).expect("UTF-8 path")
}

#[test]
fn sarif_has_what_sarif_2_1_0_requires() {
    let dir = project();
    let findings = json_findings(dir.path());
    let run = check(dir.path(), "sarif");
    let log: Value = serde_json::from_str(&run.stdout).expect("stdout is one JSON document");
    assert_eq!(log["version"], "2.1.0");
    assert_eq!(
        log["$schema"],
        "https://json.schemastore.org/sarif-2.1.0.json"
    );
    let runs = log["runs"].as_array().expect("runs");
    assert_eq!(runs.len(), 1);
    let sarif_run = &runs[0];
    let driver = &sarif_run["tool"]["driver"];
    assert_eq!(driver["name"], "check-migrate");
    assert_eq!(sarif_run["columnKind"], "unicodeCodePoints");
    assert!(sarif_run["originalUriBaseIds"]["SRCROOT"].is_object());
    let rules = driver["rules"].as_array().expect("rules");
    let ids: BTreeSet<&str> = rules.iter().filter_map(|r| r["id"].as_str()).collect();
    assert_eq!(ids.len(), rules.len(), "one descriptor per rule id");
    for rule in rules {
        assert!(
            rule["id"].is_string() && rule["shortDescription"]["text"].is_string(),
            "{rule}"
        );
        let level = &rule["defaultConfiguration"]["level"];
        assert!(level == "error" || level == "warning", "{rule}");
    }
    let results = sarif_run["results"].as_array().expect("results");
    assert_eq!(results.len(), findings.len());
    let mut fingerprints = Vec::new();
    for (result, finding) in results.iter().zip(&findings) {
        let message = result["message"]["text"].as_str().expect("message.text");
        assert!(
            message.starts_with(finding["message"].as_str().expect("message")),
            "{result}"
        );
        let index = result["ruleIndex"].as_u64().expect("ruleIndex") as usize;
        let indexed = rules.get(index).expect("ruleIndex within driver.rules");
        assert_eq!(
            indexed["id"], result["ruleId"],
            "ruleIndex points at ruleId"
        );
        assert_eq!(result["ruleId"], finding["rule"]);
        assert_eq!(result["level"], finding["severity"]);
        let location = &result["locations"][0]["physicalLocation"];
        let artifact = &location["artifactLocation"];
        assert_eq!(artifact["uriBaseId"], "SRCROOT");
        let uri = artifact["uri"].as_str().expect("uri");
        assert_eq!(uri_path(uri), finding["path"].as_str().expect("path"));
        let region = &location["region"];
        for (sarif, json) in [
            ("startLine", "line"),
            ("startColumn", "column"),
            ("endLine", "end_line"),
            ("endColumn", "end_column"),
        ] {
            assert!(region[sarif].as_u64().is_some_and(|n| n >= 1), "{region}");
            assert_eq!(region[sarif], finding[json], "{sarif}");
        }
        let print = &result["partialFingerprints"]["checkMigrate/v1"];
        assert!(print.as_str().is_some_and(|p| p.len() == 16), "{result}");
        fingerprints.push(print.clone());
    }
    let distinct: BTreeSet<String> = fingerprints.iter().map(Value::to_string).collect();
    assert_eq!(
        distinct.len(),
        fingerprints.len(),
        "fingerprints are distinct"
    );
    assert!(uri_path("%E5%95%86").contains('商'));
    assert!(
        results[4]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            .as_str()
            .is_some_and(|u| u.starts_with("%E5%95%86%E5%BA%97%20shop%2Cv2%3Aold/migrations/"))
    );
}
