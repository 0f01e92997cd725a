//! Unit tests of the migration parser, grouped by the kind of input they feed it; the
//! helpers here check the invariant every test relies on: a span is exactly its name.

mod differential;
mod errors;
mod header;
mod literals;
mod negative;
mod operations;
mod robustness;
mod state_ops;

use std::ops::Range;

use super::{FieldName, Migration, NameRole, OperationKind, parse};
use NameRole::{Altered, DbColumn, Introduced};
use OperationKind::{AddField, AlterField, CreateModel, RenameField};

/// Parse, and check that every name's span reads back as the name and that the names come
/// in source order.
fn parse_checked(source: &[u8]) -> Migration {
    let migration = match parse(source) {
        Ok(migration) => migration,
        Err(error) => panic!("parser failed to run: {error}"),
    };
    for name in &migration.names {
        assert_eq!(
            source.get(name.span.clone()),
            Some(name.name.as_bytes()),
            "span of {name:?}"
        );
        assert!(name.operation_span.start <= name.entry_span.start);
        assert!(name.entry_span.start <= name.span.start);
        assert!(name.span.end <= name.entry_span.end);
        assert!(name.entry_span.end <= name.operation_span.end);
    }
    let starts: Vec<usize> = migration.names.iter().map(|n| n.span.start).collect();
    assert!(starts.is_sorted(), "names out of order: {starts:?}");
    migration
}

/// The names of a file that must parse without syntax errors.
fn names(source: &str) -> Vec<FieldName> {
    let migration = parse_checked(source.as_bytes());
    assert_eq!(migration.syntax_error, None, "unexpected syntax error");
    migration.names
}

/// The fields a test usually cares about, in a form that is easy to write down.
type Summary<'a> = (
    &'a str,
    NameRole,
    OperationKind,
    Option<&'a str>,
    Option<&'a str>,
);

fn summary(names: &[FieldName]) -> Vec<Summary<'_>> {
    names
        .iter()
        .map(|n| {
            (
                n.name.as_str(),
                n.role,
                n.operation,
                n.model.as_deref(),
                n.field.as_deref(),
            )
        })
        .collect()
}

/// The byte span of the `nth` (0-based) occurrence of `needle` in `haystack`.
fn find(haystack: &str, needle: &str, nth: usize) -> Range<usize> {
    match haystack.match_indices(needle).nth(nth) {
        Some((start, _)) => start..start + needle.len(),
        None => panic!("{needle:?} occurs fewer than {} times", nth + 1),
    }
}

/// The source text of `span`.
fn text(source: &str, span: &Range<usize>) -> String {
    source.get(span.clone()).unwrap_or("<bad span>").to_owned()
}
