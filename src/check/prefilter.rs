//! A literal search that tells, before any tree walk, whether a file can yield a finding
//! other than a syntax error. Skipping the walk for the other files is result-preserving:
//!
//! - a naming finding needs a string literal whose value is a wrong name of the library; its
//!   source text is a quote, the name, the same quote (prefixes come before the opening
//!   quote, and a literal with an escape sequence is never read as a name), so the file
//!   contains `"name"` or `'name'`;
//! - a suppression finding needs a comment containing `check-migrate:`.
//!
//! Syntax errors still need the parse, which every file gets.

use aho_corasick::AhoCorasick;

use crate::library::Library;

/// The text a suppression comment must contain.
const SUPPRESSION_MARK: &str = "check-migrate:";

#[derive(Debug, Clone)]
pub struct Prefilter {
    /// `None` when the automaton could not be built (it cannot fail for these patterns, but
    /// then every file is walked rather than guessed about).
    searcher: Option<AhoCorasick>,
}

impl Prefilter {
    pub fn new(library: &Library) -> Prefilter {
        let mut patterns: Vec<String> = library
            .wrong_names()
            .flat_map(|name| [format!("\"{name}\""), format!("'{name}'")])
            .collect();
        patterns.push(SUPPRESSION_MARK.to_string());
        Prefilter {
            searcher: AhoCorasick::new(patterns).ok(),
        }
    }

    /// Whether `source` may hold a naming or suppression finding.
    pub fn may_match(&self, source: &[u8]) -> bool {
        match &self.searcher {
            Some(searcher) => searcher.is_match(source),
            None => true,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn prefilter() -> Prefilter {
        let mut library = Library::empty();
        library.add_csv(
            "test.csv",
            b"correct_name,description,wrong_names\ncreated_at,creation time,create_time\n",
        );
        Prefilter::new(&library)
    }

    #[test]
    fn quoted_wrong_names_and_suppressions_match() {
        let p = prefilter();
        assert!(p.may_match(b"AddField('post', 'create_time', f)"));
        assert!(p.may_match(b"AddField(\"post\", r\"create_time\", f)"));
        assert!(p.may_match(b"AddField(\"post\", \"\"\"create_time\"\"\", f)"));
        assert!(p.may_match(b"x = 1  # check-migrate: ignore"));
    }

    #[test]
    fn other_mentions_do_not_match() {
        let p = prefilter();
        assert!(!p.may_match(b"# create_time is set by a trigger\n"));
        assert!(!p.may_match(b"AddField('post', 'create_time_utc', f)"));
        assert!(!p.may_match(b"help_text='the create_time of the post'"));
        assert!(!p.may_match(b""));
    }
}
