//! `--format sarif`: a SARIF 2.1.0 log, for code-scanning services (GitHub code scanning
//! uploads it with `github/codeql-action/upload-sarif`) and SARIF viewers.
//!
//! One run; its driver lists every rule, results point at them by `ruleId` and `ruleIndex`.
//! Columns count Unicode code points (`columnKind`), as every other format does. Relative
//! paths are URI references against `SRCROOT`, the repository root. Each result has a
//! `partialFingerprints["checkMigrate/v1"]` built from the path, rule, model, field and name,
//! not the line, so a finding keeps its identity when lines move above it.

use std::collections::HashMap;
use std::io::{self, Write};

use serde_json::{Map, Value, json};

use super::{Region, Report, one_line, regions};
use crate::check::{CheckedFile, Finding, Rule, Severity};
use crate::text::LineIndex;

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";
const BASE_ID: &str = "SRCROOT";
const FINGERPRINT_KEY: &str = "checkMigrate/v1";
const BASE_DESCRIPTION: &str = "The root of the repository the checked files are in; outside a \
     repository, the directory check-migrate ran in.";

pub(super) fn print(out: &mut impl Write, report: &Report) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, &log(report))?;
    writeln!(out)
}

fn log(report: &Report) -> Value {
    let mut results = Vec::new();
    // Counts findings that share an identity, so two of them in one file stay distinct.
    let mut seen: HashMap<u64, u64> = HashMap::new();
    for file in &report.files {
        let lines = LineIndex::new(&file.source);
        for (finding, at) in file.findings.iter().zip(regions(file, &lines)) {
            let identity = identity(&file.path, finding);
            let occurrence = seen.entry(identity).or_default();
            let fingerprint = fingerprint(identity, *occurrence);
            *occurrence += 1;
            results.push(result(file, &at, finding, &fingerprint));
        }
    }
    json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": driver()},
            "columnKind": "unicodeCodePoints",
            "originalUriBaseIds": {
                BASE_ID: {"description": {"text": BASE_DESCRIPTION}}
            },
            "results": results,
        }]
    })
}

fn driver() -> Value {
    let mut driver = Map::new();
    driver.insert("name".into(), json!("check-migrate"));
    driver.insert("version".into(), json!(env!("CARGO_PKG_VERSION")));
    // Only a published address is worth pointing at; none is set until the package has one.
    let home = [env!("CARGO_PKG_REPOSITORY"), env!("CARGO_PKG_HOMEPAGE")]
        .into_iter()
        .find(|uri| !uri.is_empty());
    if let Some(uri) = home {
        driver.insert("informationUri".into(), json!(uri));
    }
    let rules: Vec<Value> = Rule::ALL.into_iter().map(descriptor).collect();
    driver.insert("rules".into(), Value::Array(rules));
    Value::Object(driver)
}

fn descriptor(rule: Rule) -> Value {
    let mut descriptor = json!({
        "id": rule.id(),
        "name": pascal_case(rule.id()),
        "shortDescription": {"text": rule.summary()},
        "fullDescription": {"text": format!("{} {}", rule.summary(), rule.advice())},
        "help": {"text": rule.page(), "markdown": rule.markdown()},
        "defaultConfiguration": {"level": level(rule.default_severity())},
    });
    // The rule's section of docs/rules.md, where the package names its repository.
    let repository = env!("CARGO_PKG_REPOSITORY");
    if !repository.is_empty() {
        let uri = format!("{repository}/blob/main/docs/rules.md#{}", rule.id());
        descriptor["helpUri"] = json!(uri);
    }
    descriptor
}

fn result(file: &CheckedFile, at: &Region, finding: &Finding, fingerprint: &str) -> Value {
    let mut result = plain_result(file, at, finding, fingerprint);
    if let Some(declaration) = &finding.declaration
        && let Some(object) = result.as_object_mut()
    {
        let (path, line, column) = declaration.place();
        let related = json!([{
            "id": 1,
            "physicalLocation": {
                "artifactLocation": artifact_location(path),
                "region": {"startLine": line, "startColumn": column},
            },
            "message": {"text": finding.declaration_note().unwrap_or_default()},
        }]);
        object.insert("relatedLocations".to_string(), related);
    }
    result
}

fn plain_result(file: &CheckedFile, at: &Region, finding: &Finding, fingerprint: &str) -> Value {
    json!({
        "ruleId": finding.rule.id(),
        "ruleIndex": rule_index(finding.rule),
        "level": level(finding.severity),
        "message": {"text": one_line(finding)},
        "locations": [{
            "physicalLocation": {
                "artifactLocation": artifact_location(&file.path),
                "region": {
                    "startLine": at.start.line,
                    "startColumn": at.start.column,
                    "endLine": at.end.line,
                    "endColumn": at.end.column,
                }
            }
        }],
        "partialFingerprints": {FINGERPRINT_KEY: fingerprint},
    })
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

fn rule_index(rule: Rule) -> usize {
    Rule::ALL
        .iter()
        .position(|r| *r == rule)
        .unwrap_or_default()
}

/// SARIF wants a rule's `name` to be an identifier-like word: `field-name` -> `FieldName`.
fn pascal_case(id: &str) -> String {
    id.split('-')
        .flat_map(|word| {
            let mut chars = word.chars();
            chars
                .next()
                .map(|c| c.to_ascii_uppercase())
                .into_iter()
                .chain(chars)
        })
        .collect()
}

/// A relative path as a URI reference against `SRCROOT`; an absolute one (given on the command
/// line outside a repository) as a `file:` URI of its own.
fn artifact_location(path: &str) -> Value {
    if path.starts_with('/') {
        json!({"uri": format!("file://{}", encode_path(path))})
    } else if is_drive(path.as_bytes()) {
        // A Windows drive: the letter and colon stay as they are, the rest is a path.
        json!({"uri": format!("file:///{}{}", &path[..2], encode_path(&path[2..]))})
    } else {
        json!({"uri": encode_path(path), "uriBaseId": BASE_ID})
    }
}

/// `C:` or `C:/...`; `a:b` is a relative path whose first segment holds a colon.
fn is_drive(path: &[u8]) -> bool {
    matches!(path, [drive, b':'] | [drive, b':', b'/', ..] if drive.is_ascii_alphabetic())
}

/// Percent-encode every byte but unreserved characters and `/`. Encoding `:` too keeps a
/// first segment like `a:b` from reading as a scheme.
fn encode_path(path: &str) -> String {
    let mut uri = String::with_capacity(path.len());
    for &byte in path.as_bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~/".contains(&byte) {
            uri.push(char::from(byte));
        } else {
            uri.push_str(&format!("%{byte:02X}"));
        }
    }
    uri
}

/// What makes two findings the same finding across runs: where the name is by file and model,
/// never by line.
fn identity(path: &str, finding: &Finding) -> u64 {
    let mut hash = Fnv::new();
    let parts = [
        Some(path),
        Some(finding.rule.id()),
        finding.model.as_deref(),
        finding.field.as_deref(),
        finding.name.as_deref(),
    ];
    for part in parts {
        match part {
            // 0xFF never occurs in UTF-8, so it cannot be confused with a part's content.
            Some(text) => hash.feed(&[1]).feed(text.as_bytes()).feed(&[0xFF]),
            None => hash.feed(&[0]),
        };
    }
    hash.0
}

fn fingerprint(identity: u64, occurrence: u64) -> String {
    let mut hash = Fnv::new();
    hash.feed(&identity.to_le_bytes())
        .feed(&occurrence.to_le_bytes());
    format!("{:016x}", hash.0)
}

/// 64-bit FNV-1a: fixed by its definition, so fingerprints do not change between builds the
/// way the standard library's hasher may.
struct Fnv(u64);

impl Fnv {
    fn new() -> Fnv {
        Fnv(0xcbf2_9ce4_8422_2325)
    }

    fn feed(&mut self, bytes: &[u8]) -> &mut Fnv {
        for &byte in bytes {
            self.0 = (self.0 ^ u64::from(byte)).wrapping_mul(0x0000_0100_0000_01b3);
        }
        self
    }
}

#[cfg(test)]
mod tests;
