//! The default human format, modelled on rustc: headline, location, the source line with a
//! caret under the exact name, and a help line per suggestion.

use std::io::{self, Write};

use unicode_width::UnicodeWidthChar;

use super::{Palette, Report, start};
use crate::check::{CheckedFile, Finding};
use crate::text::LineIndex;

/// Tabs are shown as this many spaces, so the caret lines up whatever the terminal does.
const TAB_WIDTH: usize = 4;

pub(super) fn print(out: &mut impl Write, report: &Report, palette: &Palette) -> io::Result<()> {
    for file in &report.files {
        let lines = LineIndex::new(&file.source);
        for finding in &file.findings {
            finding_block(out, file, &lines, finding, palette)?;
        }
    }
    Ok(())
}

fn finding_block(
    out: &mut impl Write,
    file: &CheckedFile,
    lines: &LineIndex,
    finding: &Finding,
    palette: &Palette,
) -> io::Result<()> {
    let at = start(file, lines, finding);
    let severity = palette.severity(finding.severity);
    let gutter = palette.gutter();
    let width = at.line.to_string().len();
    let pad = " ".repeat(width);

    writeln!(
        out,
        "{}{}",
        severity.style(format!("{}[{}]", finding.severity, finding.rule)),
        palette.emphasis().style(format!(": {}", finding.message()))
    )?;
    writeln!(
        out,
        "{pad}{} {}:{}:{}",
        gutter.style("-->"),
        file.path,
        at.line,
        at.column
    )?;
    writeln!(out, "{pad} {}", gutter.style("|"))?;

    let line = lines.line_range(&file.source, at.line);
    let text = &file.source[line.clone()];
    // Clamped: a syntax error may sit on a line's `\r`, which the shown line leaves out.
    let from = finding.span.start.clamp(line.start, line.end);
    let before = &file.source[line.start..from];
    let marked = &file.source[from..finding.span.end.clamp(from, line.end)];
    let shown = expand_tabs(&String::from_utf8_lossy(text));
    writeln!(
        out,
        "{} {} {}",
        gutter.style(at.line),
        gutter.style("|"),
        shown.trim_end()
    )?;
    let offset = display_width(&String::from_utf8_lossy(before));
    let carets = display_width(&String::from_utf8_lossy(marked)).max(1);
    writeln!(
        out,
        "{pad} {} {}{} {}",
        gutter.style("|"),
        " ".repeat(offset),
        severity.style("^".repeat(carets)),
        severity.style(finding.label())
    )?;
    writeln!(out, "{pad} {}", gutter.style("|"))?;
    for help in help_lines(finding) {
        writeln!(out, "{pad} {} {help}", gutter.style("="))?;
    }
    writeln!(out)
}

/// `help:` lines: one per suggestion with its description, then what to do. A single
/// suggestion shares its line with the advice, as in the product's examples.
fn help_lines(finding: &Finding) -> Vec<String> {
    let advice = finding.advice();
    let described = |name: &str, description: &str| {
        // A description over several lines of the CSV stays on its `help` line.
        let description = super::single_line(description);
        let description = description.trim_end_matches(['.', '。']);
        if description.is_empty() {
            format!("`{name}`")
        } else {
            format!("`{name}`: {description}")
        }
    };
    match finding.suggestions.as_slice() {
        [] => vec![format!("help: {advice}")],
        [only] => vec![format!(
            "help: {}. {advice}",
            described(&only.name, &only.description)
        )],
        many => {
            let mut lines: Vec<String> = many
                .iter()
                .map(|s| format!("help: {}", described(&s.name, &s.description)))
                .collect();
            let name = finding.name.as_deref().unwrap_or_default();
            lines.push(format!(
                "note: the field library lists `{name}` under {} correct names; pick the one that fits. {advice}",
                many.len()
            ));
            lines
        }
    }
}

fn expand_tabs(text: &str) -> String {
    text.replace('\t', &" ".repeat(TAB_WIDTH))
}

/// Terminal columns `text` takes, tabs expanded; wide (e.g. Chinese) characters take two.
fn display_width(text: &str) -> usize {
    text.chars()
        .map(|c| match c {
            '\t' => TAB_WIDTH,
            c => c.width().unwrap_or(0),
        })
        .sum()
}
