//! Findings -> text. Each format is a printer over `impl Write`, so tests render into a
//! `Vec<u8>`; whether to colour is decided by the caller and passed in. The machine formats
//! (json, github, sarif) never colour and print nothing but their own grammar.

mod concise;
mod full;
mod github;
mod json;
mod library;
#[cfg(test)]
mod long_line;
#[cfg(test)]
mod sample;
mod sarif;
#[cfg(test)]
mod snapshots;
pub mod statistics;

pub use library::{Verdict, print_library_check};

use std::io::{self, Write};

use owo_colors::Style;

use crate::check::{CheckedFile, Finding, Severity};
use crate::text::{LineIndex, Position};

/// How findings are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// rustc-style: the source line, a caret under the name, the suggestions.
    Full,
    /// `path:line:col: severity[rule] message`, one line each.
    Concise,
    /// A JSON array of finding objects; the schema is documented in `report::json`.
    Json,
    /// GitHub Actions workflow commands, which the runner turns into annotations.
    Github,
    /// A SARIF 2.1.0 log, for code-scanning services.
    Sarif,
}

impl Format {
    pub const ALL: [Format; 5] = [
        Format::Full,
        Format::Concise,
        Format::Json,
        Format::Github,
        Format::Sarif,
    ];

    /// The name used by `--format` and the config's `format`.
    pub fn name(self) -> &'static str {
        match self {
            Format::Full => "full",
            Format::Concise => "concise",
            Format::Json => "json",
            Format::Github => "github",
            Format::Sarif => "sarif",
        }
    }

    pub fn from_name(name: &str) -> Option<Format> {
        Format::ALL.into_iter().find(|f| f.name() == name)
    }

    /// Whether people read this format: only those get the summary line, since a machine
    /// reading stdout must see nothing outside the format's grammar.
    pub fn is_human(self) -> bool {
        match self {
            Format::Full | Format::Concise => true,
            Format::Json | Format::Github | Format::Sarif => false,
        }
    }
}

/// Everything a run found, in a stable order: by path, then position.
#[derive(Debug, Default)]
pub struct Report {
    /// Files with at least one finding.
    pub files: Vec<CheckedFile>,
    /// How many files were checked, clean ones included.
    pub files_checked: usize,
    /// How many model files were checked (`models.py` named on the command line, or with
    /// `check-models`), clean ones included.
    pub models_checked: usize,
    /// The app label of the migrations folders whose label is known for sure, by folder
    /// (root-relative): what keys a baseline entry to its app wherever its file goes.
    pub labels: std::collections::BTreeMap<String, String>,
}

impl Report {
    /// Put files in path order and each file's findings in position order, so every format
    /// prints by (path, line, column) whoever built the report.
    pub fn sort(&mut self) {
        self.files.sort_by(|a, b| a.path.cmp(&b.path));
        for file in &mut self.files {
            // Stable: findings at the same place keep the order the checks gave them.
            file.findings.sort_by_key(|f| (f.span.start, f.rule));
        }
    }

    pub fn count(&self, severity: Severity) -> usize {
        self.findings()
            .filter(|(_, finding)| finding.severity == severity)
            .count()
    }

    /// Every finding with its file, in report order.
    pub fn findings(&self) -> impl Iterator<Item = (&CheckedFile, &Finding)> {
        self.files
            .iter()
            .flat_map(|file| file.findings.iter().map(move |finding| (file, finding)))
    }
}

/// Print the findings of `report` in `format`.
pub fn print(out: &mut impl Write, report: &Report, format: Format, color: bool) -> io::Result<()> {
    let palette = Palette::new(color);
    match format {
        Format::Full => full::print(out, report, &palette),
        Format::Concise => concise::print(out, report, &palette),
        Format::Json => json::print(out, report),
        Format::Github => github::print(out, report),
        Format::Sarif => sarif::print(out, report),
    }
}

/// The one-line summary the human formats end with.
pub fn summary(out: &mut impl Write, report: &Report, color: bool) -> io::Result<()> {
    let palette = Palette::new(color);
    let mut files = plural(report.files_checked, "migration file", "migration files");
    if report.models_checked > 0 {
        let models = plural(report.models_checked, "model file", "model files");
        files = format!("{files} and {models}");
    }
    let (errors, warnings) = (
        report.count(Severity::Error),
        report.count(Severity::Warning),
    );
    if errors == 0 && warnings == 0 {
        return writeln!(out, "checked {files}: no problems found");
    }
    let errors = plural(errors, "error", "errors");
    let warnings = plural(warnings, "warning", "warnings");
    writeln!(
        out,
        "checked {files}: {}, {}",
        palette.severity(Severity::Error).style(errors),
        palette.severity(Severity::Warning).style(warnings)
    )
}

fn plural(count: usize, one: &str, many: &str) -> String {
    if count == 1 {
        format!("1 {one}")
    } else {
        format!("{count} {many}")
    }
}

/// The styles of one run; every style is plain when colour is off.
struct Palette {
    color: bool,
}

impl Palette {
    fn new(color: bool) -> Palette {
        Palette { color }
    }

    fn pick(&self, style: Style) -> Style {
        if self.color { style } else { Style::new() }
    }

    fn severity(&self, severity: Severity) -> Style {
        match severity {
            Severity::Error => self.pick(Style::new().red().bold()),
            Severity::Warning => self.pick(Style::new().yellow().bold()),
        }
    }

    fn emphasis(&self) -> Style {
        self.pick(Style::new().bold())
    }

    fn gutter(&self) -> Style {
        self.pick(Style::new().blue().bold())
    }
}

/// Where a finding starts and ends (exclusive: just past the name).
struct Region {
    start: Position,
    end: Position,
}

/// The regions of every finding of `file`, in the order of its findings, from one walk over
/// the lines they are on (see [`LineIndex::positions`]).
fn regions(file: &CheckedFile, lines: &LineIndex) -> Vec<Region> {
    let offsets: Vec<usize> = file
        .findings
        .iter()
        .flat_map(|finding| [finding.span.start, finding.span.end])
        .collect();
    lines
        .positions(&file.source, &offsets)
        .chunks_exact(2)
        .map(|pair| Region {
            start: pair[0],
            end: pair[1],
        })
        .collect()
}

/// The message, the suggestions' descriptions and the advice as one line of text, for formats
/// that show a single string per finding.
pub fn one_line(finding: &Finding) -> String {
    let described: Vec<String> = finding
        .suggestions
        .iter()
        .filter_map(|s| {
            let description = single_line(&s.description);
            let description = description.trim_end_matches(['.', '。']);
            (!description.is_empty()).then(|| format!("`{}`: {description}", s.name))
        })
        .collect();
    let mut text = finding.message();
    if !described.is_empty() {
        text.push_str(&format!(" ({})", described.join("; ")));
    }
    format!("{text}. {}", finding.advice())
}

/// Library descriptions may hold line breaks; a one-line message must not.
fn single_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::sample;
    use super::*;

    /// (path, line, column) of every finding of `report`, in report order.
    fn positions(report: &Report) -> Vec<(String, usize, usize)> {
        report
            .files
            .iter()
            .flat_map(|file| {
                let lines = LineIndex::new(&file.source);
                regions(file, &lines)
                    .into_iter()
                    .map(|at| (file.path.clone(), at.start.line, at.start.column))
            })
            .collect()
    }

    #[test]
    fn sort_orders_files_and_findings_by_position() {
        let shuffled = sample::shuffled();
        let mut expected = positions(&shuffled);
        expected.sort();
        assert_ne!(
            positions(&shuffled),
            expected,
            "the sample starts out of order"
        );
        assert_eq!(positions(&sample::report()), expected);
    }

    #[test]
    fn machine_formats_print_in_report_order() {
        let report = sample::report();
        let expected = positions(&report);
        let json: serde_json::Value =
            serde_json::from_str(&sample::render(&report, Format::Json)).expect("valid JSON");
        let printed: Vec<(String, usize, usize)> = json
            .as_array()
            .expect("an array")
            .iter()
            .map(|f| {
                let number = |key| f[key].as_u64().expect("a number") as usize;
                let path = f["path"].as_str().expect("a path").to_string();
                (path, number("line"), number("column"))
            })
            .collect();
        assert_eq!(printed, expected);

        let github = sample::render(&report, Format::Github);
        let printed: Vec<(String, usize, usize)> = github
            .lines()
            .map(|line| {
                let value = |key: &str| {
                    let from = line.find(&format!("{key}=")).expect("the property") + key.len() + 1;
                    let rest = &line[from..];
                    rest[..rest.find([',', ':']).unwrap_or(rest.len())].to_string()
                };
                let number = |key| value(key).parse().expect("a number");
                (value(" file"), number(",line"), number(",col"))
            })
            .collect();
        assert_eq!(printed, expected);

        let sarif: serde_json::Value =
            serde_json::from_str(&sample::render(&report, Format::Sarif)).expect("valid JSON");
        let printed: Vec<(usize, usize)> = sarif["runs"][0]["results"]
            .as_array()
            .expect("results")
            .iter()
            .map(|r| {
                let region = &r["locations"][0]["physicalLocation"]["region"];
                let number = |key| region[key].as_u64().expect("a number") as usize;
                (number("startLine"), number("startColumn"))
            })
            .collect();
        let lines_and_columns: Vec<(usize, usize)> = expected
            .iter()
            .map(|(_, line, column)| (*line, *column))
            .collect();
        assert_eq!(printed, lines_and_columns);
    }
}
