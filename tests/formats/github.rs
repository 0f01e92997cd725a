//! `--format github` from the real binary: each line parsed by the workflow-command grammar
//! and decoded back to the finding it reports; the automatic choice inside GitHub Actions.

use std::path::Path;

use tempfile::TempDir;

use super::{BLOG, check, json_findings, project};
use crate::support::check_migrate;

/// A workflow command taken apart: `::command key=value,...::data`, escapes decoded.
#[derive(Debug)]
struct Command {
    name: String,
    properties: Vec<(String, String)>,
    data: String,
}

/// Parse one line by the workflow-command grammar; `Err` says what breaks it.
fn parse_command(line: &str) -> Result<Command, String> {
    let rest = line.strip_prefix("::").ok_or("no leading ::")?;
    let (name, rest) = rest.split_once(' ').ok_or("no space after the command")?;
    if name != "error" && name != "warning" {
        return Err(format!("unknown command {name}"));
    }
    // Property values escape `:`, so the first `::` ends them.
    let (properties, data) = rest.split_once("::").ok_or("no :: before the message")?;
    let properties = properties
        .split(',')
        .map(|pair| {
            let (key, value) = pair
                .split_once('=')
                .ok_or(format!("{pair:?} is not key=value"))?;
            if key.is_empty() || !key.chars().all(|c| c.is_ascii_alphanumeric()) {
                return Err(format!("bad key {key:?}"));
            }
            Ok((
                key.to_string(),
                decode(value, &["%25", "%0D", "%0A", "%3A", "%2C"])?,
            ))
        })
        .collect::<Result<Vec<_>, String>>()?;
    let data = decode(data, &["%25", "%0D", "%0A"])?;
    Ok(Command {
        name: name.to_string(),
        properties,
        data,
    })
}

/// Undo the escapes in `allowed`; any other `%` or a raw line break is a grammar error.
fn decode(text: &str, allowed: &[&str]) -> Result<String, String> {
    if text.contains(['\r', '\n']) {
        return Err(format!("raw line break in {text:?}"));
    }
    let mut decoded = String::new();
    let mut rest = text;
    while let Some(at) = rest.find('%') {
        decoded.push_str(&rest[..at]);
        let escape = rest
            .get(at..at + 3)
            .filter(|e| allowed.contains(e))
            .ok_or(format!("stray % in {text:?}"))?;
        let byte = u8::from_str_radix(&escape[1..], 16).map_err(|e| e.to_string())?;
        decoded.push(char::from(byte));
        rest = &rest[at + 3..];
    }
    decoded.push_str(rest);
    Ok(decoded)
}

#[test]
fn github_commands_follow_the_grammar_and_match_the_json() {
    let dir = project();
    let findings = json_findings(dir.path());
    let run = check(dir.path(), "github");
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(
        lines.len(),
        findings.len(),
        "one command per finding and nothing else: {}",
        run.stdout
    );
    for (line, finding) in lines.iter().zip(&findings) {
        let command = parse_command(line).unwrap_or_else(|e| panic!("{e}: {line}"));
        assert_eq!(
            command.name,
            finding["severity"].as_str().expect("severity")
        );
        let keys: Vec<&str> = command.properties.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(
            keys,
            ["file", "line", "col", "endLine", "endColumn", "title"]
        );
        let values: Vec<&str> = command.properties.iter().map(|(_, v)| v.as_str()).collect();
        let rule = finding["rule"].as_str().expect("rule");
        let expected = [
            finding["path"].as_str().expect("path").to_string(),
            finding["line"].to_string(),
            finding["column"].to_string(),
            finding["end_line"].to_string(),
            finding["end_column"].to_string(),
            format!("check-migrate ({rule})"),
        ];
        assert_eq!(values, expected, "{line}");
        assert!(
            command
                .data
                .starts_with(finding["message"].as_str().expect("message")),
            "{line}"
        );
    }
    assert!(lines[0].contains(",title=check-migrate (db-column)::column `desc` should be `description` (`description`: 描述). Change `db_column`"), "{}", lines[0]);
    assert!(
        lines[4].starts_with(
            "::error file=商店 shop%2Cv2%3Aold/migrations/0002_order.py,line=7,col=36,"
        ),
        "{}",
        lines[4]
    );
    assert!(lines[3].starts_with("::warning "), "{}", lines[3]);
}

/// Run with the environment GitHub Actions sets.
fn in_actions(dir: &Path, value: &str, extra: &[&str]) -> String {
    let home = TempDir::new().expect("temporary home");
    let output = check_migrate(dir, home.path())
        .env("GITHUB_ACTIONS", value)
        .args(["--library", "library.csv"])
        .args(extra)
        .arg("blog")
        .output()
        .expect("run check-migrate");
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[test]
fn github_actions_picks_github_unless_a_format_is_given() {
    let dir = project();
    let auto = in_actions(dir.path(), "true", &[]);
    assert_eq!(auto.lines().count(), 4, "{auto}");
    assert!(auto.lines().all(|l| parse_command(l).is_ok()), "{auto}");
    let full = in_actions(dir.path(), "true", &["--format", "full"]);
    assert!(full.contains(&format!("--> {BLOG}:10:70")), "{full}");
    assert!(
        full.ends_with("checked 1 migration file: 3 errors, 1 warning\n"),
        "{full}"
    );
    let elsewhere = in_actions(dir.path(), "false", &[]);
    assert_eq!(elsewhere, full);
}

#[test]
fn a_configured_format_wins_over_github_actions() {
    let dir = project();
    std::fs::write(
        dir.path().join(".check-migrate.toml"),
        "format = \"concise\"\n",
    )
    .expect("write config");
    let configured = in_actions(dir.path(), "true", &[]);
    assert!(
        configured.starts_with(&format!("{BLOG}:10:70: error[db-column] ")),
        "{configured}"
    );
    let flagged = in_actions(dir.path(), "true", &["--format", "json"]);
    let parsed: Result<serde_json::Value, _> = serde_json::from_str(&flagged);
    assert!(parsed.is_ok(), "the flag wins over the config: {flagged}");
}
