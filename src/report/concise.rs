//! `--format concise`: `path:line:col: severity[rule] message`, one finding a line, what
//! editors' quickfix lists and `grep` expect.

use std::io::{self, Write};

use super::{Palette, Report, regions};
use crate::text::LineIndex;

pub(super) fn print(out: &mut impl Write, report: &Report, palette: &Palette) -> io::Result<()> {
    for file in &report.files {
        let lines = LineIndex::new(&file.source);
        for (finding, region) in file.findings.iter().zip(regions(file, &lines)) {
            let at = region.start;
            let label = format!("{}[{}]", finding.severity, finding.rule);
            writeln!(
                out,
                "{}:{}:{}: {} {}",
                file.path,
                at.line,
                at.column,
                palette.severity(finding.severity).style(label),
                finding.message()
            )?;
        }
    }
    Ok(())
}
