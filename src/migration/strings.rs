//! Recognise the string literals whose value is exactly their source text, so that a name's
//! span can point at the bytes a reader would edit.

use std::ops::Range;

use tree_sitter::Node;

use super::walk::significant_children;

/// A plain string literal: its value and the bytes of that value between the quotes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Literal {
    pub value: String,
    pub span: Range<usize>,
}

/// Look through any number of redundant parentheses: `(("name"))` is the string `"name"`,
/// and `(*args)` is the splat `*args`. Comments inside the parentheses are ignored.
pub(super) fn unwrap_parens(mut node: Node) -> Node {
    while node.kind() == "parenthesized_expression" {
        match significant_children(node).as_slice() {
            [inner] => node = *inner,
            _ => break,
        }
    }
    node
}

/// The literal `node` denotes, after removing parentheses, when it is one complete string
/// literal whose value can be read straight from the source.
///
/// Refused, rather than guessed: f-strings and t-strings (their value is computed), byte
/// strings (not text), concatenations and other expressions, strings with an escape sequence
/// or a line continuation (their value differs from their source text, so no span could be
/// exact), strings the parser had to repair, and content that is not UTF-8.
pub(super) fn string_literal(node: Node, source: &[u8]) -> Option<Literal> {
    let node = unwrap_parens(node);
    if node.kind() != "string" || node.has_error() {
        return None;
    }
    let mut cursor = node.walk();
    let children: Vec<Node> = node.children(&mut cursor).collect();
    let (start, rest) = children.split_first()?;
    let (end, middle) = rest.split_last()?;
    if start.kind() != "string_start" || end.kind() != "string_end" || end.is_missing() {
        return None;
    }
    if middle.iter().any(|child| child.kind() != "string_content") {
        return None;
    }
    let raw = raw_prefix(source.get(start.byte_range())?)?;
    let span = start.end_byte()..end.start_byte();
    let content = source.get(span.clone())?;
    if !raw && content.contains(&b'\\') {
        return None;
    }
    let value = std::str::from_utf8(content).ok()?;
    Some(Literal {
        value: value.to_owned(),
        span,
    })
}

/// Read the prefix of a string's opening token (prefix letters and quotes): `Some(true)` for
/// a raw text string, `Some(false)` for an ordinary one, `None` for any other kind of string.
fn raw_prefix(opening: &[u8]) -> Option<bool> {
    let letters = opening
        .iter()
        .position(|&byte| byte == b'"' || byte == b'\'')?;
    match opening.get(..letters)? {
        b"" | b"u" | b"U" => Some(false),
        b"r" | b"R" => Some(true),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::raw_prefix;

    #[test]
    fn prefixes() {
        assert_eq!(raw_prefix(b"\""), Some(false));
        assert_eq!(raw_prefix(b"'''"), Some(false));
        assert_eq!(raw_prefix(b"u'"), Some(false));
        assert_eq!(raw_prefix(b"U\"\"\""), Some(false));
        assert_eq!(raw_prefix(b"r'"), Some(true));
        assert_eq!(raw_prefix(b"R\""), Some(true));
        for refused in [
            &b"f'"[..],
            b"F\"",
            b"b'",
            b"rb'",
            b"Br\"",
            b"fr'",
            b"t'",
            b"ur'",
            b"",
        ] {
            assert_eq!(raw_prefix(refused), None, "{refused:?}");
        }
    }
}
