//! A scanner for the header of the migrations `makemigrations` writes (and black formats):
//! `class Migration(...)` followed by simple assignments such as `initial = True` and
//! `dependencies = [("app", "0001_initial"), ...]`. It reads them a hundred times faster than
//! a tree-sitter parse, which matters when staged mode reads every migration of a touched app.
//!
//! It accepts only what it is sure of and answers `None` for anything else (a string prefix
//! or escape, a parenthesised entry, another kind of statement...); the caller then parses
//! with tree-sitter. Where it answers, it answers what the tree-sitter reading would.

use std::ops::Range;

use super::header::{Assignment, Header, Reference};

#[derive(Debug, Clone, PartialEq, Eq)]
enum Token {
    /// A name, dotted names included (`migrations.Migration`).
    Name(Range<usize>),
    /// A plain single-line string without prefix or escape: the bytes between its quotes.
    Str(Range<usize>),
    /// Punctuation, with its offset.
    Punct(u8, usize),
    /// The end of a logical line (outside brackets), with the next line's indentation.
    Newline(usize),
}

/// Whether the part of a file before its `class Migration` line is only what
/// `makemigrations` writes there: blank lines, comments, and plain `import` and `from ...
/// import ...` statements (parenthesised over several lines included). Then it parses
/// cleanly and binds no list, so the class can be read without it; anything else is read by
/// the parser.
pub(super) fn simple_prefix(prefix: &[u8]) -> bool {
    let prefix = prefix.strip_prefix(b"\xef\xbb\xbf").unwrap_or(prefix);
    let word = |b: &u8| b.is_ascii_alphanumeric() || *b == b'_';
    let names = |text: &[u8], dotted: bool| {
        !text.is_empty()
            && text.split(|&b| b == b',').all(|item| {
                let item = item.trim_ascii();
                let (name, alias) = match item.windows(4).position(|w| w == b" as ") {
                    Some(at) => (&item[..at], Some(item[at + 4..].trim_ascii())),
                    None => (item, None),
                };
                let ok = |t: &[u8], dots: bool| {
                    !t.is_empty() && t.iter().all(|b| word(b) || (dots && *b == b'.'))
                };
                (item == b"*" && !dotted)
                    || (ok(name, dotted) && alias.is_none_or(|a| ok(a, false)))
            })
    };
    let mut open = false;
    for line in prefix.split(|&b| b == b'\n') {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        let code = match line.iter().position(|&b| b == b'#') {
            Some(at) => &line[..at],
            None => line,
        };
        if line.contains(&b'\\') || line.contains(&b'\'') || line.contains(&b'"') {
            return false;
        }
        let trimmed = code.trim_ascii();
        if open {
            if trimmed == b")" {
                open = false;
            } else if !trimmed.is_empty()
                && !names(trimmed.strip_suffix(b",").unwrap_or(trimmed), false)
            {
                return false;
            }
            continue;
        }
        if trimmed.is_empty() {
            continue;
        }
        // Statements start at the margin.
        if code.first().is_some_and(|b| b.is_ascii_whitespace()) {
            return false;
        }
        if let Some(rest) = trimmed.strip_prefix(b"import ") {
            if !names(rest, true) {
                return false;
            }
        } else if let Some(rest) = trimmed.strip_prefix(b"from ") {
            let Some(at) = rest.windows(8).position(|w| w == b" import ") else {
                return false;
            };
            let (module, what) = (rest[..at].trim_ascii(), rest[at + 8..].trim_ascii());
            if module.is_empty() || !module.iter().all(|b| word(b) || *b == b'.') {
                return false;
            }
            if what == b"(" {
                open = true;
            } else if !names(what, false) {
                return false;
            }
        } else {
            return false;
        }
    }
    !open
}

/// The header of `part` (a slice starting at the `class Migration` line), or `None`.
pub(super) fn header(part: &[u8]) -> Option<Header> {
    let tokens = tokenize(part)?;
    let mut at = Parser {
        tokens: &tokens,
        pos: 0,
        part,
    };
    at.word(b"class")?;
    let class_span = at.name()?;
    if part.get(class_span.clone())? != b"Migration" {
        return None;
    }
    at.punct(b'(')?;
    let base = at.name()?;
    // Another framework's class is left to the full reading, which says so.
    if !super::header::is_django_base(part.get(base)?) {
        return None;
    }
    at.punct(b')')?;
    at.punct(b':')?;
    // The body starts on the next line, and every statement of the part is in it, at one
    // indentation: anything else is left to tree-sitter's reading.
    let Some(Token::Newline(body)) = at.peek().cloned() else {
        return None;
    };
    if body == 0 {
        return None;
    }
    let mut header = Header {
        class_span: Some(class_span),
        complete: true,
        ..Header::default()
    };
    loop {
        match at.peek() {
            None => return Some(header),
            Some(Token::Newline(indent)) if *indent == body => at.pos += 1,
            Some(Token::Newline(_)) => return None,
            Some(_) => at.statement(&mut header)?,
        }
    }
}

struct Parser<'a> {
    tokens: &'a [Token],
    pos: usize,
    part: &'a [u8],
}

impl Parser<'_> {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.pos)
    }

    fn next(&mut self) -> Option<Token> {
        let token = self.tokens.get(self.pos)?.clone();
        self.pos += 1;
        Some(token)
    }

    fn name(&mut self) -> Option<Range<usize>> {
        match self.next()? {
            Token::Name(span) => Some(span),
            _ => None,
        }
    }

    fn word(&mut self, word: &[u8]) -> Option<()> {
        let span = self.name()?;
        (self.part.get(span)? == word).then_some(())
    }

    /// Consume the punctuation `want`, answering its offset.
    fn punct(&mut self, want: u8) -> Option<usize> {
        match self.next()? {
            Token::Punct(p, offset) if p == want => Some(offset),
            _ => None,
        }
    }

    fn is_punct(&self, want: u8) -> bool {
        matches!(self.peek(), Some(Token::Punct(p, _)) if *p == want)
    }

    fn string(&mut self) -> Option<String> {
        match self.next()? {
            Token::Str(span) => {
                let text = std::str::from_utf8(self.part.get(span)?).ok()?;
                Some(text.to_string())
            }
            _ => None,
        }
    }

    /// `name = value` up to the end of the line.
    fn statement(&mut self, header: &mut Header) -> Option<()> {
        let target = self.name()?;
        self.punct(b'=')?;
        let slot = match self.part.get(target.clone())? {
            b"dependencies" => Some(&mut header.dependencies),
            b"replaces" => Some(&mut header.replaces),
            b"run_before" => Some(&mut header.run_before),
            name if name.contains(&b'.') => return None,
            _ => None,
        };
        match slot {
            Some(slot) => {
                let entries = self.sequence()?;
                *slot = Some(Assignment {
                    span: target,
                    entries,
                    unknown: Vec::new(),
                });
            }
            // A constant such as `initial = True` or `atomic = False`.
            None => {
                self.name()?;
            }
        }
        // The line must end here; its newline (and the next line's indentation) is the
        // caller's to judge.
        match self.peek() {
            Some(Token::Newline(_)) | None => Some(()),
            _ => None,
        }
    }

    /// `[entry, ...]` or `(entry, ...)`: two-string tuples are references;
    /// `migrations.swappable_dependency(settings.AUTH_USER_MODEL)` is skipped.
    fn sequence(&mut self) -> Option<Vec<Reference>> {
        let close = match self.next()? {
            Token::Punct(b'[', _) => b']',
            Token::Punct(b'(', _) => b')',
            _ => return None,
        };
        let mut entries = Vec::new();
        loop {
            if self.is_punct(close) {
                self.pos += 1;
                return Some(entries);
            }
            match self.peek()? {
                Token::Punct(b'(', _) => entries.push(self.reference()?),
                Token::Name(_) => self.call()?,
                _ => return None,
            }
            if self.is_punct(b',') {
                self.pos += 1;
            } else {
                self.punct(close)?;
                return Some(entries);
            }
        }
    }

    /// `("app", "name")`, with an optional trailing comma.
    fn reference(&mut self) -> Option<Reference> {
        let start = self.punct(b'(')?;
        let app = self.string()?;
        self.punct(b',')?;
        let name = self.string()?;
        if self.is_punct(b',') {
            self.pos += 1;
        }
        let end = self.punct(b')')?;
        Some(Reference {
            app,
            name,
            span: start..end + 1,
        })
    }

    /// `swappable_dependency(arguments)` (or a dotted path ending in it) whose arguments are
    /// names only; any other call is left to the full reading.
    fn call(&mut self) -> Option<()> {
        let callee = self.name()?;
        let callee = self.part.get(callee)?;
        if callee != b"swappable_dependency" && !callee.ends_with(b".swappable_dependency") {
            return None;
        }
        self.punct(b'(')?;
        while let Some(Token::Name(_)) = self.peek() {
            self.pos += 1;
            if self.is_punct(b',') {
                self.pos += 1;
            }
        }
        self.punct(b')').map(|_| ())
    }
}

/// Split `part` into tokens; `None` on anything outside the accepted subset.
fn tokenize(part: &[u8]) -> Option<Vec<Token>> {
    let mut tokens = Vec::new();
    let mut depth = 0usize;
    let mut i = 0;
    while let Some(&byte) = part.get(i) {
        match byte {
            b' ' | b'\t' | b'\r' | b'\x0c' => i += 1,
            b'#' => {
                while part.get(i).is_some_and(|&b| b != b'\n') {
                    i += 1;
                }
            }
            b'\n' => {
                i += 1;
                let rest = part.get(i..).unwrap_or_default();
                let indent = rest.iter().take_while(|&&b| b == b' ').count();
                // Blank lines, comment lines, and lines inside brackets end no statement.
                let blank = rest
                    .get(indent..)
                    .and_then(|line| line.first())
                    .is_none_or(|&b| matches!(b, b'\n' | b'\r' | b'#'));
                if depth == 0 && !blank {
                    if rest.get(indent) == Some(&b'\t') {
                        return None;
                    }
                    if matches!(tokens.last(), Some(Token::Newline(_))) {
                        tokens.pop();
                    }
                    tokens.push(Token::Newline(indent));
                }
            }
            b'\'' | b'"' => {
                let start = i + 1;
                let len = part
                    .get(start..)?
                    .iter()
                    .position(|&b| b == byte || b == b'\n' || b == b'\\')?;
                let end = start + len;
                // An empty string may open a triple quote; a line break or an escape inside
                // is not a plain literal.
                if len == 0 || part.get(end) != Some(&byte) {
                    return None;
                }
                tokens.push(Token::Str(start..end));
                i = end + 1;
                if part
                    .get(i)
                    .is_some_and(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'\'' | b'"'))
                {
                    return None;
                }
            }
            b'(' | b'[' => {
                depth += 1;
                tokens.push(Token::Punct(byte, i));
                i += 1;
            }
            b')' | b']' => {
                depth = depth.checked_sub(1)?;
                tokens.push(Token::Punct(byte, i));
                i += 1;
            }
            b',' | b'=' | b':' => {
                tokens.push(Token::Punct(byte, i));
                i += 1;
            }
            b if b.is_ascii_alphabetic() || b == b'_' => {
                let start = i;
                while part
                    .get(i)
                    .is_some_and(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.'))
                {
                    i += 1;
                }
                // A name directly followed by a quote is a string prefix (`u"x"`, `f"x"`).
                if matches!(part.get(i), Some(b'\'' | b'"')) {
                    return None;
                }
                tokens.push(Token::Name(start..i));
            }
            _ => return None,
        }
    }
    (depth == 0).then_some(tokens)
}
