//! Suppression comments: `# check-migrate: ignore` or `# check-migrate: ignore[rule, ...]` on
//! a line of the operation (or, in `CreateModel`, of the field entry) accepts a finding on
//! purpose.

use std::ops::Range;

use super::{Finding, Rule};
use crate::text::LineIndex;

/// What a `# check-migrate:` comment asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Directive {
    /// `None`: every rule.
    pub rules: Option<Vec<Rule>>,
    /// Rule ids in the list that no rule has: reported, and otherwise ignored.
    pub unknown: Vec<String>,
}

/// One suppression comment of a file.
#[derive(Debug, Clone)]
pub(super) struct Suppression {
    pub span: Range<usize>,
    pub line: usize,
    pub rules: Option<Vec<Rule>>,
    pub used: bool,
}

impl Suppression {
    pub fn covers(&self, rule: Rule, lines: &[Range<usize>]) -> bool {
        lines.iter().any(|range| range.contains(&self.line))
            && self
                .rules
                .as_ref()
                .is_none_or(|rules| rules.contains(&rule))
    }
}

const PREFIX: &str = "check-migrate:";

/// The suppressions among `comments` of `content`, and an `invalid-suppression` finding for
/// each of ours that cannot be read or names an unknown rule (with the closest known one).
pub(super) fn read_all(
    comments: &[Range<usize>],
    content: &[u8],
    lines: &LineIndex,
) -> (Vec<Suppression>, Vec<Finding>) {
    let mut suppressions = Vec::new();
    let mut findings = Vec::new();
    for comment in comments {
        let text = String::from_utf8_lossy(&content[comment.clone()]);
        let Some(directive) = parse(&text) else {
            continue;
        };
        let problem = match directive {
            Ok(directive) => {
                suppressions.push(Suppression {
                    span: comment.clone(),
                    line: lines.line(comment.start),
                    rules: directive.rules,
                    used: false,
                });
                let unknown: Vec<String> = directive
                    .unknown
                    .iter()
                    .map(|id| match Rule::closest(id) {
                        Some(rule) => format!("`{id}` (did you mean `{}`?)", rule.id()),
                        None => format!("`{id}`"),
                    })
                    .collect();
                (!unknown.is_empty()).then(|| format!("unknown rule {}", unknown.join(", ")))
            }
            Err(why) => Some(why),
        };
        if let Some(problem) = problem {
            findings.push(Finding::plain(
                Rule::InvalidSuppression,
                comment.clone(),
                Some(problem),
            ));
        }
    }
    (suppressions, findings)
}

/// Read a comment. `None` when it is not ours; `Some(Err(why))` when it is ours but cannot be
/// read, so a typo does not silently suppress nothing.
pub(super) fn parse(comment: &str) -> Option<Result<Directive, String>> {
    let at = comment.find(PREFIX)?;
    let rest = comment[at + PREFIX.len()..].trim_start();
    let Some(after) = rest.strip_prefix("ignore") else {
        let word: String = rest.chars().take_while(|c| !c.is_whitespace()).collect();
        return Some(Err(format!(
            "unknown directive `{word}`; the only directive is `ignore`"
        )));
    };
    if after.is_empty() || after.starts_with(char::is_whitespace) {
        return Some(Ok(Directive {
            rules: None,
            unknown: Vec::new(),
        }));
    }
    let Some(list) = after.strip_prefix('[') else {
        return Some(Err(format!(
            "expected `ignore` or `ignore[rule, ...]`, found `ignore{}`",
            after.split_whitespace().next().unwrap_or_default()
        )));
    };
    let Some((list, _)) = list.split_once(']') else {
        return Some(Err("the rule list is not closed with `]`".to_string()));
    };
    let ids: Vec<&str> = list
        .split(',')
        .map(str::trim)
        .filter(|id| !id.is_empty())
        .collect();
    if ids.is_empty() {
        return Some(Err(
            "the rule list is empty; write `ignore` to suppress every rule".to_string(),
        ));
    }
    let mut rules = Vec::new();
    let mut unknown = Vec::new();
    for id in ids {
        match Rule::from_id(id) {
            Some(rule) => rules.push(rule),
            None => unknown.push(id.to_string()),
        }
    }
    Some(Ok(Directive {
        rules: Some(rules),
        unknown,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(comment: &str) -> Directive {
        match parse(comment) {
            Some(Ok(directive)) => directive,
            other => panic!("{comment}: {other:?}"),
        }
    }

    #[test]
    fn plain_ignore_covers_every_rule() {
        assert_eq!(ok("# check-migrate: ignore").rules, None);
        assert_eq!(ok("#check-migrate:ignore").rules, None);
        assert_eq!(ok("# check-migrate: ignore  legacy table").rules, None);
        assert_eq!(ok("# noqa: E501  # check-migrate: ignore").rules, None);
    }

    #[test]
    fn rule_lists() {
        let d = ok("# check-migrate: ignore[field-name, db-column] kept for the ETL job");
        assert_eq!(d.rules, Some(vec![Rule::FieldName, Rule::DbColumn]));
        assert!(d.unknown.is_empty());
        let d = ok("# check-migrate: ignore[field-name, no-such-rule]");
        assert_eq!(d.rules, Some(vec![Rule::FieldName]));
        assert_eq!(d.unknown, ["no-such-rule"]);
    }

    #[test]
    fn other_comments_are_not_ours() {
        assert_eq!(parse("# a comment about check-migrate"), None);
        assert_eq!(parse("# noqa"), None);
    }

    #[test]
    fn malformed_directives_are_errors() {
        for comment in [
            "# check-migrate: ignored",
            "# check-migrate: skip",
            "# check-migrate: ignore[field-name",
            "# check-migrate: ignore[]",
            "# check-migrate: ignore[ , ]",
        ] {
            assert!(matches!(parse(comment), Some(Err(_))), "{comment}");
        }
    }
}
