//! Thousands of findings on one long line (a generated migration with every operation on one
//! line): each is printed at its exact column, and the full format shows a cut of the line
//! around each finding instead of the whole line again for every one of them.

use unicode_width::UnicodeWidthStr;

use super::sample::render;
use super::{Format, Report};
use crate::check::{CheckedFile, RuleSettings, check_source};

const PATH: &str = "app/migrations/0002_generated.py";
const FINDINGS: usize = 2000;
/// One operation; the model name is two wide characters, so columns and caret offsets differ
/// from byte offsets.
const OP: &str = "migrations.AddField(\"文章\", \"create_time\", models.IntegerField()), ";
const LINE_START: &str = "    operations = [";

fn report() -> Report {
    let source = format!(
        "from django.db import migrations, models\n\n\nclass Migration(migrations.Migration):\n{LINE_START}{}]\n",
        OP.repeat(FINDINGS)
    );
    let findings = check_source(
        source.as_bytes(),
        &crate::library::with_conventions(),
        &RuleSettings::default(),
    )
    .expect("parser runs");
    assert_eq!(findings.len(), FINDINGS);
    Report {
        files: vec![CheckedFile {
            path: PATH.to_string(),
            source: source.into_bytes(),
            findings,
        }],
        files_checked: 1,
        models_checked: 0,
        labels: Default::default(),
    }
}

/// The 1-based character column of the `k`th `create_time`.
fn column(k: usize) -> usize {
    let before = format!(
        "{LINE_START}{}migrations.AddField(\"文章\", \"",
        OP.repeat(k)
    );
    before.chars().count() + 1
}

#[test]
fn many_findings_on_one_long_line() {
    let report = report();
    let concise = render(&report, Format::Concise);
    let expected: Vec<String> = (0..FINDINGS)
        .map(|k| {
            format!(
                "{PATH}:5:{}: error[field-name] `create_time` should be `created_at`",
                column(k)
            )
        })
        .collect();
    assert_eq!(concise.lines().collect::<Vec<_>>(), expected);

    let full = render(&report, Format::Full);
    let blocks: Vec<&str> = full.split("\n\n").filter(|b| !b.is_empty()).collect();
    assert_eq!(blocks.len(), FINDINGS);
    for (k, block) in blocks.iter().enumerate() {
        let lines: Vec<&str> = block.lines().collect();
        assert_eq!(lines[1], format!(" --> {PATH}:5:{}", column(k)), "{block}");
        let shown = lines[3].strip_prefix("5 | ").expect("the source line");
        let carets = lines[4].strip_prefix("  | ").expect("the caret line");
        // A cut of the line: bounded, cut where the line goes on, never the whole line.
        assert!(shown.len() < 400, "finding {k} shows {} bytes", shown.len());
        assert_eq!(shown.starts_with("..."), k > 0, "{shown}");
        assert_eq!(shown.ends_with("..."), k + 1 < FINDINGS, "{shown}");
        // The carets sit under the name, counted in terminal columns.
        let offset = carets.find('^').expect("carets");
        let marked = carets[offset..].split(' ').next().unwrap_or_default();
        assert_eq!(marked, "^".repeat("create_time".len()), "{block}");
        let (before, rest) = split_at_width(shown, offset);
        assert!(
            rest.starts_with("create_time\""),
            "{k}: {before:?} | {rest:?}"
        );
    }
}

/// `text` split where `width` terminal columns of it are used up.
fn split_at_width(text: &str, width: usize) -> (&str, &str) {
    let at = text
        .char_indices()
        .map(|(i, _)| i)
        .chain([text.len()])
        .find(|&i| text[..i].width() >= width)
        .unwrap_or(text.len());
    text.split_at(at)
}
