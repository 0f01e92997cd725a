//! `--statistics`: how many findings each rule has, and each wrong name under it, instead of
//! the findings themselves (to see what a repository's findings are made of).

use std::collections::BTreeMap;
use std::io::{self, Write};

use super::Report;

/// One line of the statistics: a rule, and a wrong name under it (none for the graph and
/// syntax rules).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Key {
    rule: &'static str,
    name: Option<String>,
    suggestion: Option<String>,
}

/// The lines, most findings first (ties by rule, then name).
fn counted(report: &Report) -> Vec<(Key, usize)> {
    let mut counts: BTreeMap<Key, usize> = BTreeMap::new();
    for (_, finding) in report.findings() {
        let key = Key {
            rule: finding.rule.id(),
            name: finding.name.clone(),
            suggestion: finding.suggestions.first().map(|s| s.name.clone()),
        };
        *counts.entry(key).or_default() += 1;
    }
    let mut lines: Vec<(Key, usize)> = counts.into_iter().collect();
    lines.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    lines
}

/// The human form: `count  rule  name -> suggestion`, aligned.
pub fn print(out: &mut impl Write, report: &Report) -> io::Result<()> {
    let lines = counted(report);
    let width = lines
        .iter()
        .map(|(key, _)| key.rule.len())
        .max()
        .unwrap_or(0);
    for (key, count) in &lines {
        let what = match (&key.name, &key.suggestion) {
            (Some(name), Some(suggestion)) => format!("  {name} -> {suggestion}"),
            (Some(name), None) => format!("  {name}"),
            (None, _) => String::new(),
        };
        writeln!(out, "{count:>5}  {:<width$}{what}", key.rule)?;
    }
    Ok(())
}

/// The JSON form: an array of `{"rule", "name", "suggestion", "count"}`, in the same order
/// (`name` and `suggestion` are `null` where there is none).
pub fn print_json(out: &mut impl Write, report: &Report) -> io::Result<()> {
    let lines: Vec<serde_json::Value> = counted(report)
        .into_iter()
        .map(|(key, count)| {
            serde_json::json!({
                "rule": key.rule,
                "name": key.name,
                "suggestion": key.suggestion,
                "count": count,
            })
        })
        .collect();
    serde_json::to_writer_pretty(&mut *out, &lines).map_err(io::Error::other)?;
    writeln!(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn most_findings_first_with_their_suggestion() {
        let report = super::super::sample::report();
        let mut out = Vec::new();
        print(&mut out, &report).expect("print");
        let text = String::from_utf8(out).expect("UTF-8");
        let lines: Vec<&str> = text.lines().collect();
        assert!(!lines.is_empty(), "{text}");
        let counts: Vec<usize> = lines
            .iter()
            .map(|line| {
                line.split_whitespace()
                    .next()
                    .and_then(|n| n.parse().ok())
                    .unwrap_or(0)
            })
            .collect();
        assert!(counts.windows(2).all(|w| w[0] >= w[1]), "{text}");
        assert_eq!(
            counts.iter().sum::<usize>(),
            report.findings().count(),
            "{text}"
        );
        let mut json = Vec::new();
        print_json(&mut json, &report).expect("print");
        let parsed: serde_json::Value = serde_json::from_slice(&json).expect("JSON");
        assert_eq!(parsed.as_array().map(Vec::len), Some(lines.len()));
    }
}
