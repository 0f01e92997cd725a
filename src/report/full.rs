//! The default human format, modelled on rustc: headline, location, the source line with a
//! caret under the exact name, and a help line per suggestion.

use std::io::{self, Write};
use std::ops::Range;

use unicode_width::UnicodeWidthChar;

use super::{Palette, Report, regions};
use crate::check::{CheckedFile, Finding};
use crate::text::{LineIndex, Position};

/// Tabs are shown as this many spaces, so the caret lines up whatever the terminal does.
const TAB_WIDTH: usize = 4;

/// Lines up to this many bytes are shown whole. A longer one (a generated or minified
/// migration) is shown cut around the finding, so that each finding prints a bounded amount:
/// thousands of findings on one such line print in time linear in their number.
const LONG_LINE: usize = 1000;

/// In a cut line: bytes shown on each side of the marked text, and the most of the marked
/// text itself.
const CONTEXT: usize = 60;
const MARKED: usize = 200;

/// What a cut line shows in place of what it leaves out.
const ELLIPSIS: &str = "...";

pub(super) fn print(out: &mut impl Write, report: &Report, palette: &Palette) -> io::Result<()> {
    for file in &report.files {
        let lines = LineIndex::new(&file.source);
        for (finding, at) in file.findings.iter().zip(regions(file, &lines)) {
            finding_block(out, file, &lines, finding, at.start, palette)?;
        }
    }
    Ok(())
}

fn finding_block(
    out: &mut impl Write,
    file: &CheckedFile,
    lines: &LineIndex,
    finding: &Finding,
    at: Position,
    palette: &Palette,
) -> io::Result<()> {
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
    // Clamped: a syntax error may sit on a line's `\r`, which the shown line leaves out.
    let from = finding.span.start.clamp(line.start, line.end);
    let to = finding.span.end.clamp(from, line.end);
    let shown = shown_part(&file.source, line.clone(), from, to);
    let (cut_before, cut_after) = (shown.start > line.start, shown.end < line.end);
    let text = expand_tabs(&String::from_utf8_lossy(&file.source[shown.clone()]));
    let text = text.trim_end();
    writeln!(
        out,
        "{} {} {}{text}{}",
        gutter.style(at.line),
        gutter.style("|"),
        if cut_before { ELLIPSIS } else { "" },
        if cut_after { ELLIPSIS } else { "" },
    )?;
    let before = &file.source[shown.start..from];
    let marked = &file.source[from..to.min(shown.end)];
    let offset = display_width(&String::from_utf8_lossy(before))
        + if cut_before { ELLIPSIS.len() } else { 0 };
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
    if let Some(note) = finding.declaration_note() {
        writeln!(out, "{pad} {} note: {note}", gutter.style("="))?;
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

/// The bytes of `line` shown for a finding marking `from..to`: the whole line, or for a
/// long one, the marked text (up to [`MARKED`] bytes) with [`CONTEXT`] bytes on each side,
/// widened to whole UTF-8 characters.
fn shown_part(source: &[u8], line: Range<usize>, from: usize, to: usize) -> Range<usize> {
    if line.len() <= LONG_LINE {
        return line;
    }
    let continues = |at: usize| source.get(at).is_some_and(|&b| b & 0xC0 == 0x80);
    let mut start = from.saturating_sub(CONTEXT).max(line.start);
    while start < from && continues(start) {
        start += 1;
    }
    let mut end = to.min(from + MARKED).saturating_add(CONTEXT).min(line.end);
    // A character is at most four bytes: three more finish it.
    for _ in 0..3 {
        if end < line.end && continues(end) {
            end += 1;
        }
    }
    start..end
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
