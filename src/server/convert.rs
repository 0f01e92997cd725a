//! From findings to what LSP speaks: positions in UTF-16 code units on lines broken by `\n`,
//! `\r\n` or `\r`, `file:` URIs, and diagnostics.

use std::path::{Path, PathBuf};

use lsp_types::{
    Diagnostic, DiagnosticRelatedInformation, DiagnosticSeverity, Location, NumberOrString,
    Position, Range, Uri,
};

use crate::check::{CheckedFile, Finding, Severity};

/// The LSP position of byte `offset` of `source`.
pub fn position(source: &[u8], offset: usize) -> Position {
    let offset = offset.min(source.len());
    let mut line = 0u32;
    let mut start = 0;
    let mut at = 0;
    while at < offset {
        match source[at] {
            b'\n' => {
                line += 1;
                start = at + 1;
            }
            b'\r' if source.get(at + 1) != Some(&b'\n') => {
                line += 1;
                start = at + 1;
            }
            _ => {}
        }
        at += 1;
    }
    let character: usize = String::from_utf8_lossy(&source[start..offset])
        .chars()
        .map(char::len_utf16)
        .sum();
    Position::new(line, u32::try_from(character).unwrap_or(u32::MAX))
}

/// The LSP range of bytes `span` of `source`.
pub fn range(source: &[u8], span: &std::ops::Range<usize>) -> Range {
    Range::new(position(source, span.start), position(source, span.end))
}

/// The LSP position of 1-based `line` and `column` (in characters), as messages give them.
pub fn position_of_column(source: &[u8], line: usize, column: usize) -> Position {
    let text = String::from_utf8_lossy(source);
    let lines = text.split_inclusive('\n');
    let character: usize = lines
        .clone()
        .nth(line.saturating_sub(1))
        .map(|text| {
            text.chars()
                .take(column.saturating_sub(1))
                .map(char::len_utf16)
                .sum()
        })
        .unwrap_or(column.saturating_sub(1));
    let line = u32::try_from(line.saturating_sub(1)).unwrap_or(u32::MAX);
    Position::new(line, u32::try_from(character).unwrap_or(u32::MAX))
}

/// The file a `file:` URI names.
pub fn path_of(uri: &Uri) -> Option<PathBuf> {
    let rest = uri.as_str().strip_prefix("file://")?;
    // `file://host/path` is a network path; only the local form is read.
    let path = rest.strip_prefix("localhost").unwrap_or(rest);
    if !path.starts_with('/') {
        return None;
    }
    let bytes = decode(path)?;
    let text = String::from_utf8(bytes).ok()?;
    // `/C:/x` on Windows.
    if cfg!(windows)
        && let Some(drive) = text.strip_prefix('/')
        && drive.as_bytes().get(1) == Some(&b':')
    {
        return Some(PathBuf::from(drive));
    }
    Some(PathBuf::from(text))
}

/// The `file:` URI of an absolute path.
pub fn uri_of(path: &Path) -> Option<Uri> {
    let text = path.to_str()?.replace('\\', "/");
    let text = if text.starts_with('/') {
        text
    } else {
        format!("/{text}")
    };
    let mut encoded = String::from("file://");
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~/:".contains(&byte) {
            encoded.push(char::from(byte));
        } else {
            encoded.push_str(&format!("%{byte:02X}"));
        }
    }
    encoded.parse().ok()
}

fn decode(text: &str) -> Option<Vec<u8>> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut at = 0;
    while at < bytes.len() {
        if bytes[at] == b'%' {
            let hex = std::str::from_utf8(bytes.get(at + 1..at + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            at += 3;
        } else {
            out.push(bytes[at]);
            at += 1;
        }
    }
    Some(out)
}

/// The diagnostics of `file`, whose source is the document's. `root` is where the file's
/// path (and a declaration's) is relative to; `read` gives another file's content, and
/// `introduced` the migration (root-relative) and byte offset where a name entered them.
pub fn diagnostics(
    file: &CheckedFile,
    root: &Path,
    read: &dyn Fn(&Path) -> Option<Vec<u8>>,
    introduced: &dyn Fn(&str) -> Option<(String, usize)>,
) -> Vec<Diagnostic> {
    file.findings
        .iter()
        .map(|finding| diagnostic(file, finding, root, read, introduced))
        .collect()
}

fn diagnostic(
    file: &CheckedFile,
    finding: &Finding,
    root: &Path,
    read: &dyn Fn(&Path) -> Option<Vec<u8>>,
    introduced: &dyn Fn(&str) -> Option<(String, usize)>,
) -> Diagnostic {
    let severity = match finding.severity {
        Severity::Error => DiagnosticSeverity::ERROR,
        Severity::Warning => DiagnosticSeverity::WARNING,
    };
    // A model file's finding: the migration that brought the name in, when one did.
    let migration = || {
        let name = finding.name.as_deref()?;
        let (path, at) = introduced(name)?;
        let on_disk = root.join(&path);
        let source = read(&on_disk)?;
        let start = position(&source, at);
        let end = position(&source, at + name.len());
        Some(vec![DiagnosticRelatedInformation {
            location: Location::new(uri_of(&on_disk)?, Range::new(start, end)),
            message: format!("`{name}` is in the migrations since {path}"),
        }])
    };
    let declared = finding.declaration.as_ref().and_then(|declaration| {
        let (path, line, column) = declaration.place();
        let on_disk = root.join(path);
        let at = match read(&on_disk) {
            Some(source) => position_of_column(&source, line, column),
            None => Position::new(
                u32::try_from(line.saturating_sub(1)).unwrap_or(0),
                u32::try_from(column.saturating_sub(1)).unwrap_or(0),
            ),
        };
        Some(vec![DiagnosticRelatedInformation {
            location: Location::new(uri_of(&on_disk)?, Range::new(at, at)),
            message: finding.declaration_note()?,
        }])
    });
    Diagnostic {
        range: range(&file.source, &finding.span),
        severity: Some(severity),
        code: Some(NumberOrString::String(finding.rule.id().to_string())),
        code_description: None,
        source: Some("check-migrate".to_string()),
        message: crate::report::one_line(finding),
        related_information: declared
            .or_else(|| finding.operation.is_none().then(migration).flatten()),
        tags: None,
        data: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_utf16_units_on_any_line_break() {
        let source = "a\r\n# 名字 😀 \"x\"\rb\n".as_bytes();
        let quote = source.iter().position(|&b| b == b'"').expect("quote");
        // `# `, two CJK characters (one unit each), a space, an emoji (two units), a space.
        assert_eq!(position(source, quote), Position::new(1, 8));
        assert_eq!(position(source, source.len() - 2), Position::new(2, 0));
        assert_eq!(position(source, 0), Position::new(0, 0));
    }

    #[test]
    fn columns_in_characters_become_utf16() {
        let source = "x\n    名字 = 1\n".as_bytes();
        assert_eq!(position_of_column(source, 2, 5), Position::new(1, 4));
        assert_eq!(
            position_of_column("😀a".as_bytes(), 1, 2),
            Position::new(0, 2)
        );
    }

    #[test]
    fn uris_and_paths_round_trip() {
        let path = Path::new("/tmp/my app/blog/名字.py");
        let uri = uri_of(path).expect("uri");
        assert_eq!(
            uri.as_str(),
            "file:///tmp/my%20app/blog/%E5%90%8D%E5%AD%97.py"
        );
        assert_eq!(path_of(&uri).as_deref(), Some(path));
        let other: Uri = "untitled:Untitled-1".parse().expect("uri");
        assert_eq!(path_of(&other), None);
    }
}
