//! Why a file does not parse, in Python's words where it can be told: tree-sitter says where
//! its parse went wrong, which is often far from the mistake. A light tokenizer finds the
//! mistakes people make in migrations: a merge-conflict marker left in, a string never
//! closed, a bracket never closed or closed by the wrong one.

use std::ops::Range;

/// What is wrong, and where: the span of the culprit (a marker, an opening quote or bracket,
/// the wrong closing bracket) and Python's message for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cause {
    pub span: Range<usize>,
    pub message: String,
}

/// The cause of a syntax error in `source`, when it is one of those this knows.
pub fn cause(source: &[u8]) -> Option<Cause> {
    conflict_marker(source).or_else(|| tokens(source))
}

/// A line that starts with `<<<<<<<`, `=======` or `>>>>>>>` (then a space or the line's end).
fn conflict_marker(source: &[u8]) -> Option<Cause> {
    let mut start = 0;
    for line in source.split_inclusive(|b| *b == b'\n') {
        for marker in [b"<<<<<<<", b"=======", b">>>>>>>"] {
            let rest = line.strip_prefix(marker.as_slice());
            let ends =
                rest.is_some_and(|rest| matches!(rest.first(), None | Some(b' ' | b'\n' | b'\r')));
            if ends {
                let marker = String::from_utf8_lossy(marker);
                return Some(Cause {
                    span: start..start + 7,
                    message: format!("a merge-conflict marker `{marker}` is left in the file"),
                });
            }
        }
        start += line.len();
    }
    None
}

/// The 1-based line of byte `at`.
fn line_of(source: &[u8], at: usize) -> usize {
    source[..at.min(source.len())]
        .iter()
        .filter(|b| **b == b'\n')
        .count()
        + 1
}

/// Strings, comments and brackets, as Python's tokenizer sees them.
fn tokens(source: &[u8]) -> Option<Cause> {
    let mut open: Vec<(u8, usize)> = Vec::new();
    let mut i = 0;
    while i < source.len() {
        match source[i] {
            b'#' => {
                while i < source.len() && source[i] != b'\n' {
                    i += 1;
                }
            }
            b'\\' => i += 2,
            quote @ (b'\'' | b'"') => {
                let triple = source.get(i..i + 3) == Some(&[quote; 3][..]);
                let start = i;
                i += if triple { 3 } else { 1 };
                loop {
                    match source.get(i) {
                        None => {
                            let kind = if triple {
                                "triple-quoted string"
                            } else {
                                "string"
                            };
                            return Some(Cause {
                                span: start..start + if triple { 3 } else { 1 },
                                message: format!(
                                    "unterminated {kind} literal (detected at line {})",
                                    line_of(source, source.len())
                                ),
                            });
                        }
                        Some(b'\\') => i += 2,
                        Some(b'\n' | b'\r') if !triple => {
                            return Some(Cause {
                                span: start..start + 1,
                                message: format!(
                                    "unterminated string literal (detected at line {})",
                                    line_of(source, start)
                                ),
                            });
                        }
                        Some(&b) if b == quote => {
                            if !triple {
                                i += 1;
                                break;
                            }
                            if source.get(i..i + 3) == Some(&[quote; 3][..]) {
                                i += 3;
                                break;
                            }
                            i += 1;
                        }
                        Some(_) => i += 1,
                    }
                }
                continue;
            }
            b @ (b'(' | b'[' | b'{') => open.push((b, i)),
            b @ (b')' | b']' | b'}') => {
                let want = match b {
                    b')' => b'(',
                    b']' => b'[',
                    _ => b'{',
                };
                match open.pop() {
                    Some((opener, _)) if opener == want => {}
                    Some((opener, at)) => {
                        return Some(Cause {
                            span: i..i + 1,
                            message: format!(
                                "closing parenthesis '{}' does not match opening parenthesis '{}' on line {}",
                                b as char,
                                opener as char,
                                line_of(source, at)
                            ),
                        });
                    }
                    None => {
                        return Some(Cause {
                            span: i..i + 1,
                            message: format!("unmatched '{}'", b as char),
                        });
                    }
                }
            }
            _ => {}
        }
        i += 1;
    }
    let (opener, at) = open.pop()?;
    Some(Cause {
        span: at..at + 1,
        message: format!("'{}' was never closed", opener as char),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn said(source: &str) -> Option<(String, String)> {
        let cause = cause(source.as_bytes())?;
        Some((source[cause.span].to_string(), cause.message))
    }

    #[test]
    fn brackets() {
        let text =
            "operations = [\n    migrations.AddField(\"post\", \"title\", models.TextField()\n]\n";
        assert_eq!(
            said(text),
            Some((
                "]".into(),
                "closing parenthesis ']' does not match opening parenthesis '(' on line 2".into()
            ))
        );
        assert_eq!(
            said("x = (1,\ny = 2\n"),
            Some(("(".into(), "'(' was never closed".into()))
        );
        assert_eq!(said("x = 1)\n"), Some((")".into(), "unmatched ')'".into())));
        // Brackets in strings and comments do not count.
        assert_eq!(said("x = ['(', \")\"]  # (\n"), None);
    }

    #[test]
    fn strings() {
        assert_eq!(
            said("a = 1\nname = \"create_time,\nb = 2\n"),
            Some((
                "\"".into(),
                "unterminated string literal (detected at line 2)".into()
            ))
        );
        assert_eq!(
            said("doc = '''x\ny\n"),
            Some((
                "'''".into(),
                "unterminated triple-quoted string literal (detected at line 3)".into()
            ))
        );
        assert_eq!(said("s = 'it\\'s'\nt = \"\"\"a\n\"b\"\n\"\"\"\n"), None);
    }

    #[test]
    fn conflict_markers() {
        let text = "operations = [\n<<<<<<< HEAD\n    a,\n=======\n    b,\n>>>>>>> other\n]\n";
        assert_eq!(
            said(text),
            Some((
                "<<<<<<<".into(),
                "a merge-conflict marker `<<<<<<<` is left in the file".into()
            ))
        );
        assert_eq!(said("x = '=======' \n"), None);
    }
}
