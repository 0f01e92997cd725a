//! `--format github`: one GitHub Actions workflow command per finding, which the runner turns
//! into an annotation on the pull request's diff:
//!
//! ```text
//! ::error file=PATH,line=L,col=C,endLine=EL,endColumn=EC,title=check-migrate (RULE)::MESSAGE
//! ```
//!
//! `::warning` for warnings. Chosen when `GITHUB_ACTIONS=true` and neither `--format` nor the
//! config names a format.

use std::io::{self, Write};

use super::{Region, Report, one_line, regions};
use crate::check::{CheckedFile, Finding};
use crate::text::LineIndex;

pub(super) fn print(out: &mut impl Write, report: &Report) -> io::Result<()> {
    for file in &report.files {
        let lines = LineIndex::new(&file.source);
        for (finding, at) in file.findings.iter().zip(regions(file, &lines)) {
            writeln!(out, "{}", command(file, &at, finding))?;
        }
    }
    Ok(())
}

fn command(file: &CheckedFile, at: &Region, finding: &Finding) -> String {
    let properties = [
        ("file", file.path.clone()),
        ("line", at.start.line.to_string()),
        ("col", at.start.column.to_string()),
        ("endLine", at.end.line.to_string()),
        ("endColumn", at.end.column.to_string()),
        ("title", format!("check-migrate ({})", finding.rule)),
    ];
    let properties: Vec<String> = properties
        .iter()
        .map(|(key, value)| format!("{key}={}", escape_property(value)))
        .collect();
    format!(
        "::{} {}::{}",
        finding.severity,
        properties.join(","),
        escape_data(&one_line(finding))
    )
}

/// The message after `::`. The runner splits commands on line breaks and decodes `%XX`, so
/// `%` goes first lest the other escapes be read back as something else.
fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// A property value, where `:` would end the properties and `,` start the next one.
fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::super::sample;
    use super::super::{Format, Report};
    use super::*;

    #[test]
    fn empty_report_prints_nothing() {
        assert_eq!(sample::render(&Report::default(), Format::Github), "");
    }

    #[test]
    fn one_command_per_finding_in_report_order() {
        let out = sample::render(&sample::report(), Format::Github);
        let expected = [
            "::error file=blog/migrations/0001_initial.py,line=9,col=19,endLine=9,endColumn=30,title=check-migrate (field-name)::`create_time` should be `created_at` (`created_at`: 创建时间). Rename the model field and regenerate the migration.",
            "::error file=blog/migrations/0001_initial.py,line=10,col=19,endLine=10,endColumn=29,title=check-migrate (field-name)::`start_time` should be `begin_at` or `started_at` (`begin_at`: 开始时间; `started_at`: 启动 时间). Rename the model field and regenerate the migration.",
            "::error file=blog/migrations/0001_initial.py,line=11,col=70,endLine=11,endColumn=74,title=check-migrate (db-column)::column `desc` should be `description` (`description`: 描述). Change `db_column` on the model field and regenerate the migration.",
            "::warning file=blog/migrations/0001_initial.py,line=14,col=40,endLine=14,endColumn=51,title=check-migrate (altered-field-name)::`update_time` should be `updated_at` (`updated_at`: 更新时间). The column exists already: rename it in a migration of its own (RenameField) when you can.",
            "::error file=shop/迁移 文件/0002_broken.py,line=1,col=28,endLine=1,endColumn=37,title=check-migrate (field-name)::`is_delete` should be `is_deleted`. Rename the model field and regenerate the migration.",
            "::error file=shop/迁移 文件/0002_broken.py,line=2,col=21,endLine=2,endColumn=21,title=check-migrate (syntax-error)::the file does not parse as Python. Fix the syntax; the rest of the file was still checked as far as it could be read.",
        ];
        assert_eq!(out.lines().collect::<Vec<_>>(), expected);
        assert!(out.ends_with(".\n"));
    }

    #[test]
    fn data_escapes_percent_and_line_breaks() {
        assert_eq!(escape_data("100%\r\nok: a,b"), "100%25%0D%0Aok: a,b");
        assert_eq!(
            escape_data("%0A"),
            "%250A",
            "an escape in the input stays literal"
        );
    }

    #[test]
    fn properties_also_escape_colon_and_comma() {
        assert_eq!(escape_property("a:b,c%\n"), "a%3Ab%2Cc%25%0A");
    }

    #[test]
    fn odd_paths_cannot_break_the_command() {
        let mut report = sample::report();
        report.files[0].path = "a,b:c%d\ne/0001.py".to_string();
        let out = sample::render(&report, Format::Github);
        let first = out.lines().next().unwrap_or_default();
        assert!(
            first.starts_with("::error file=a%2Cb%3Ac%25d%0Ae/0001.py,line=9,"),
            "{first}"
        );
        assert_eq!(out.lines().count(), 6);
    }
}
